import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GetGroupCommand, GetUserCommand, ListAccessKeysCommand } from "@aws-sdk/client-iam";
import {
  GetBucketCorsCommand,
  GetBucketVersioningCommand,
  HeadBucketCommand,
} from "@aws-sdk/client-s3";
import { describe, expect, inject, it } from "vitest";
import { root } from "../../scripts/servers.mjs";
import { motoEnv, runAgainstMoto } from "../support/cli.js";
import { clients, uniqueName } from "../support/iam-clients.js";
import { uniqueBucket } from "../support/raw-s3.js";

const { iam, s3 } = clients(inject("motoEndpoint"));

const exists = async (work: () => Promise<unknown>) =>
  work().then(
    () => true,
    () => false,
  );

describe("init from flags", () => {
  it("sets up the bucket, the developers and their .env files, and converges on a re-run", async () => {
    const dir = mkdtempSync(join(tmpdir(), "s3kit-init-"));
    const bucket = uniqueBucket("init-flags");
    const alice = uniqueName("alice");
    const ci = uniqueName("ci");
    const args = [
      "init",
      "--yes",
      "--bucket",
      bucket,
      "--cors-origin",
      "https://app.example.com",
      "--versioning",
      "--dev",
      `${alice}:read-write`,
      "--dev",
      `${ci}:upload:builds/`,
    ];
    const first = await runAgainstMoto(args, { cwd: dir });
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toContain(`✓ Bucket ${bucket} in us-east-1: created with safe defaults`);
    expect(first.stderr).toContain(
      `✓ Developer ${alice} (read-write): user created, credentials in .env.${alice} (0600)`,
    );
    expect(first.stdout).toContain(
      `s3kit bucket create ${bucket} --region us-east-1 --versioning --cors-origin https://app.example.com`,
    );
    expect(first.stdout).toContain(
      `s3kit iam add-dev ${ci} --bucket ${bucket} --access upload --prefix builds/ --out .env.${ci}`,
    );

    // Read back with plain SDK clients, not through s3kit.
    await s3.send(new HeadBucketCommand({ Bucket: bucket }));
    expect((await s3.send(new GetBucketVersioningCommand({ Bucket: bucket }))).Status).toBe(
      "Enabled",
    );
    expect(
      (await s3.send(new GetBucketCorsCommand({ Bucket: bucket }))).CORSRules?.[0]?.AllowedOrigins,
    ).toEqual(["https://app.example.com"]);
    expect((await iam.send(new GetUserCommand({ UserName: alice }))).User?.Path).toBe("/s3kit/");
    const group = await iam.send(
      new GetGroupCommand({ GroupName: `s3kit-${bucket}-upload-builds` }),
    );
    expect(group.Users?.map((u) => u.UserName)).toEqual([ci]);

    const env = join(dir, `.env.${alice}`);
    expect(statSync(env).mode & 0o777).toBe(0o600);
    const text = readFileSync(env, "utf8");
    const keys = await iam.send(new ListAccessKeysCommand({ UserName: alice }));
    expect(text).toContain(`AWS_ACCESS_KEY_ID=${keys.AccessKeyMetadata?.[0]?.AccessKeyId}`);
    expect(text).toContain(`S3_BUCKET=${bucket}`);
    expect(text).toMatch(/AWS_SECRET_ACCESS_KEY=\S+/);

    const again = await runAgainstMoto(args, { cwd: dir });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain("already set up");
    expect(again.stderr).toContain(`.env.${alice} left as it is`);
    expect(readFileSync(env, "utf8")).toBe(text);
    expect(
      (await iam.send(new ListAccessKeysCommand({ UserName: alice }))).AccessKeyMetadata,
    ).toHaveLength(1);
  });

  it("--env NAME=FIELD and --env-style name the .env files' variables; --env ENV still names the environment", async () => {
    const dir = mkdtempSync(join(tmpdir(), "s3kit-init-"));
    const alice = uniqueName("alice");
    const { code, stdout, stderr } = await runAgainstMoto(
      [
        "init",
        "--yes",
        "--generate-name",
        "--env",
        "dev",
        "--project",
        "names",
        "--dev",
        `${alice}:read-write:media/`,
        "--env-style",
        "django",
        "--env",
        "AWS_S3_USE_SSL=false",
        "--env",
        "MEDIA_PREFIX=prefix",
      ],
      { cwd: dir },
    );
    expect(code, stderr).toBe(0);
    expect(stderr).toContain(
      "Variable names saved to .s3kit.json (style django, AWS_S3_USE_SSL=false, MEDIA_PREFIX=prefix)",
    );
    const bucket = /s3kit bucket create (dev-names-[a-z0-9]{6})/.exec(stdout)?.[1];
    expect(bucket).toBeDefined();
    expect(stdout).toContain(
      `s3kit iam add-dev ${alice} --bucket ${bucket} --access read-write --prefix media/ --env-style django --env AWS_S3_USE_SSL=false --env MEDIA_PREFIX=prefix --out .env.${alice}`,
    );
    const env = readFileSync(join(dir, `.env.${alice}`), "utf8");
    expect(env).toContain(`AWS_STORAGE_BUCKET_NAME=${bucket}\n`);
    expect(env).toContain("AWS_LOCATION=media\n");
    expect(env).toContain("AWS_S3_USE_SSL=false\nMEDIA_PREFIX=media/\n");

    const twice = await runAgainstMoto(
      ["init", "--dry-run", "--generate-name", "--env", "dev", "--env", "prod", "--project", "p"],
      { cwd: dir, env: { AWS_ENDPOINT_URL: "http://127.0.0.1:9" } },
    );
    expect(twice.code).toBe(2);
    expect(twice.stderr).toContain("--env names the environment twice (dev, prod)");
  });

  it("without a terminal and without --yes says what is needed and changes nothing", async () => {
    const bucket = uniqueBucket("init-noyes");
    const { code, stderr } = await runAgainstMoto([
      "init",
      "--bucket",
      bucket,
      "--dev",
      `${uniqueName("x")}:read`,
    ]);
    expect(code).toBe(2);
    expect(stderr).toContain("applies the plan only with --yes");
    expect(await exists(() => s3.send(new HeadBucketCommand({ Bucket: bucket })))).toBe(false);

    const bare = await runAgainstMoto(["init"]);
    expect(bare.code).toBe(2);
    expect(bare.stderr).toContain("--bucket NAME");
    expect(bare.stderr).toContain("--dev NAME:LEVEL[:PREFIX]");
    expect(bare.stderr).toContain("--yes");
  });

  it("--dry-run prints the plan and creates nothing", async () => {
    const dir = mkdtempSync(join(tmpdir(), "s3kit-init-"));
    const bucket = uniqueBucket("init-dry");
    const dev = uniqueName("dry");
    const { code, stdout } = await runAgainstMoto(
      ["init", "--bucket", bucket, "--dev", `${dev}:read`, "--dry-run"],
      {
        cwd: dir,
      },
    );
    expect(code).toBe(0);
    expect(stdout).toContain(`Plan for ${bucket}`);
    expect(stdout).toContain(`Developer ${dev}: read access to ${bucket}`);
    expect(await exists(() => s3.send(new HeadBucketCommand({ Bucket: bucket })))).toBe(false);
    expect(await exists(() => iam.send(new GetUserCommand({ UserName: dev })))).toBe(false);
    expect(existsSync(join(dir, `.env.${dev}`))).toBe(false);
  });
});

/** The real wizard in a pseudo-terminal: tmux runs it, send-keys answers, capture-pane reads. */
class Terminal {
  private readonly session = `s3kit-init-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  constructor(private readonly socket: string) {}

  private tmux(...args: string[]): string {
    return execFileSync("tmux", ["-S", this.socket, ...args], { encoding: "utf8" });
  }

  start(command: string, cwd: string): void {
    this.tmux("new-session", "-d", "-s", this.session, "-x", "200", "-y", "60", "-c", cwd, command);
  }

  screen(): string {
    return this.tmux("capture-pane", "-p", "-t", this.session, "-S", "-200");
  }

  async waitFor(text: string | RegExp, timeoutMs = 20_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const screen = this.screen();
      if (typeof text === "string" ? screen.includes(text) : text.test(screen)) return screen;
      if (Date.now() > deadline)
        throw new Error(`timed out waiting for ${text}; the screen shows:\n${screen}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  keys(...keys: string[]): void {
    this.tmux("send-keys", "-t", this.session, ...keys);
  }

  type(text: string): void {
    this.tmux("send-keys", "-t", this.session, "-l", text);
  }

  /** Answers the question that shows `prompt` once it is on the screen. */
  async answer(prompt: string, text?: string): Promise<void> {
    await this.waitFor(prompt);
    if (text) this.type(text);
    this.keys("Enter");
  }

  stop(): void {
    spawnSync("tmux", ["-S", this.socket, "kill-server"], { stdio: "ignore" });
  }
}

describe("init on a terminal (the wizard, through tmux)", () => {
  const script = (dir: string) => {
    const env = Object.entries({ ...motoEnv(), HOME: dir, NO_COLOR: "1" })
      .map(([k, v]) => `${k}=${v}`)
      .join(" ");
    return `env ${env} ${process.execPath} ${join(root, "bin", "s3kit")} init; echo "S3KIT-EXIT=$?"; sleep 60`;
  };

  it("asks, checks the name as it is typed, shows the plan, applies it, and writes the .env file", async () => {
    const dir = mkdtempSync(join(tmpdir(), "s3kit-wizard-"));
    const term = new Terminal(join(dir, "tmux.sock"));
    const bucket = uniqueBucket("wizard");
    const dev = uniqueName("wiz");
    try {
      term.start(script(dir), dir);
      await term.answer("Bucket name");
      await term.waitFor("Bucket name:");
      term.type("My_Bucket");
      await term.waitFor("✗ it contains");
      term.keys("Enter");
      await term.waitFor("Not a valid bucket name");
      for (let i = 0; i < "My_Bucket".length; i++) term.keys("BSpace");
      term.type(bucket);
      await term.waitFor(`${bucket}  ✓`);
      term.keys("Enter");
      await term.answer("Region:");
      await term.answer("Who can read the objects?");
      await term.answer("Frontend origins for CORS", "https://app.example.com");
      await term.answer("versioning");
      await term.answer("Delete objects after how many days?");
      await term.answer("Add a developer");
      await term.answer("Developer's IAM user name:", dev);
      await term.answer(`Access level for ${dev}:`);
      await term.answer("Limit to a prefix", "uploads/");
      await term.answer(`Write ${dev}'s credentials to:`);
      await term.answer("Add another developer?");
      await term.answer("Variable names in the .env files:");
      // Names of the app's own only for those who want them: Enter is no.
      await term.answer("Does the app read variables of its own");
      await term.waitFor(`Plan for ${bucket}`);
      await term.answer("Apply this plan?", "y");
      const screen = await term.waitFor("S3KIT-EXIT=", 30_000);
      expect(screen).toContain("S3KIT-EXIT=0");
      expect(screen).toContain(`✓ Bucket ${bucket} in us-east-1: created with safe defaults`);
      expect(screen).toContain(
        `s3kit iam add-dev ${dev} --bucket ${bucket} --access read-write --prefix uploads/ --out .env.${dev}`,
      );
    } finally {
      term.stop();
    }
    await s3.send(new HeadBucketCommand({ Bucket: bucket }));
    expect(
      (await s3.send(new GetBucketCorsCommand({ Bucket: bucket }))).CORSRules?.[0]?.AllowedOrigins,
    ).toEqual(["https://app.example.com"]);
    expect((await iam.send(new GetUserCommand({ UserName: dev }))).User?.Path).toBe("/s3kit/");
    const env = join(dir, `.env.${dev}`);
    expect(statSync(env).mode & 0o777).toBe(0o600);
    expect(readFileSync(env, "utf8")).toContain(`S3_BUCKET=${bucket}`);
  });

  it("asks for variable names of the app's own only when wanted, checks them as typed, and remembers them", async () => {
    const dir = mkdtempSync(join(tmpdir(), "s3kit-wizard-"));
    const term = new Terminal(join(dir, "tmux.sock"));
    const bucket = uniqueBucket("wizard-names");
    const dev = uniqueName("wizn");
    try {
      term.start(script(dir), dir);
      await term.answer("Bucket name");
      await term.answer("Bucket name:", bucket);
      await term.answer("Region:");
      await term.answer("Who can read the objects?");
      await term.answer("Frontend origins for CORS");
      await term.answer("versioning");
      await term.answer("Delete objects after how many days?");
      await term.answer("Add a developer");
      await term.answer("Developer's IAM user name:", dev);
      await term.answer(`Access level for ${dev}:`);
      await term.answer("Limit to a prefix", "uploads/");
      await term.answer(`Write ${dev}'s credentials to:`);
      await term.answer("Add another developer?");
      await term.answer("Variable names in the .env files:");
      await term.answer("Does the app read variables of its own", "y");
      await term.waitFor("Variable name (empty when done):");
      term.type("AWS-S3-BUCKET");
      term.keys("Enter");
      await term.waitFor("The name is not a variable name");
      for (let i = 0; i < "AWS-S3-BUCKET".length; i++) term.keys("BSpace");
      term.type("AWS_S3_BUCKET");
      term.keys("Enter");
      await term.waitFor("What AWS_S3_BUCKET holds:");
      // access-key-id, secret-access-key, region, bucket: the fourth.
      term.keys("Down", "Down", "Down", "Enter");
      await term.waitFor(/\? Variable name \(empty when done\):\s*$/m);
      term.type("AWS_S3_USE_SSL");
      term.keys("Enter");
      await term.waitFor("What AWS_S3_USE_SSL holds:");
      // After the six fields: a fixed value.
      term.keys("Down", "Down", "Down", "Down", "Down", "Down", "Enter");
      await term.answer("Value of AWS_S3_USE_SSL:", "false");
      await term.waitFor(/\? Variable name \(empty when done\):\s*$/m);
      term.keys("Enter");
      await term.waitFor(`Plan for ${bucket}`);
      await term.answer("Apply this plan?", "y");
      const screen = await term.waitFor("S3KIT-EXIT=", 30_000);
      expect(screen).toContain("S3KIT-EXIT=0");
      expect(screen).toContain("Variable names saved to .s3kit.json");
      expect(screen).toContain("--env AWS_S3_BUCKET=bucket --env AWS_S3_USE_SSL=false");
    } finally {
      term.stop();
    }
    const env = readFileSync(join(dir, `.env.${dev}`), "utf8");
    expect(env).toContain(`AWS_S3_BUCKET=${bucket}\n`);
    expect(env).toContain("AWS_S3_USE_SSL=false\n");
    expect(JSON.parse(readFileSync(join(dir, ".s3kit.json"), "utf8")).env).toEqual({
      style: "aws",
      variables: { AWS_S3_BUCKET: "bucket", AWS_S3_USE_SSL: "false" },
    });
  });

  it("Ctrl-C at a prompt exits 130 and changes nothing", async () => {
    const dir = mkdtempSync(join(tmpdir(), "s3kit-wizard-"));
    const term = new Terminal(join(dir, "tmux.sock"));
    const bucket = uniqueBucket("wizard-cancel");
    try {
      term.start(script(dir), dir);
      await term.answer("Bucket name");
      await term.answer("Bucket name:", bucket);
      await term.waitFor("Region:");
      term.keys("C-c");
      const screen = await term.waitFor("S3KIT-EXIT=");
      expect(screen).toContain("S3KIT-EXIT=130");
      expect(screen).toContain("nothing was changed");
    } finally {
      term.stop();
    }
    expect(await exists(() => s3.send(new HeadBucketCommand({ Bucket: bucket })))).toBe(false);
  });
});
