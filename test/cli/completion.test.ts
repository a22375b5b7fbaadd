import { execFileSync } from "node:child_process";
import { mkdtempSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateBucketCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { beforeAll, describe, expect, it } from "vitest";
import { root } from "../../scripts/servers.mjs";
import { cleanEnv, motoEnv } from "../support/cli.js";

// A PATH where `s3kit` is the built binary, as after `npm install -g`.
const binDir = mkdtempSync(join(tmpdir(), "s3kit-path-"));
symlinkSync(join(root, "bin", "s3kit"), join(binDir, "s3kit"));

/** Sources `s3kit completion bash` in a real bash and asks it to complete `line`. */
function bashComplete(line: string, env: Record<string, string | undefined> = {}): string[] {
  const script = `
source <(s3kit completion bash)
COMP_LINE="$LINE"; COMP_POINT=\${#COMP_LINE}
read -ra COMP_WORDS <<< "$LINE"
[[ "$LINE" == *" " ]] && COMP_WORDS+=("")
COMP_CWORD=$(( \${#COMP_WORDS[@]} - 1 ))
_s3kit_complete
printf '%s\\n' "\${COMPREPLY[@]}"`;
  const out = execFileSync("bash", ["-c", script], {
    env: {
      ...cleanEnv(),
      ...env,
      LINE: line,
      PATH: `${binDir}:${process.env.PATH}`,
    } as NodeJS.ProcessEnv,
    encoding: "utf8",
  });
  return out.split("\n").filter(Boolean);
}

describe("bash completion", () => {
  it("completes commands", () => {
    expect(bashComplete("s3kit who")).toEqual(["whoami"]);
    expect(bashComplete("s3kit ")).toEqual(
      expect.arrayContaining(["whoami", "doctor", "completion"]),
    );
    expect(bashComplete("s3kit ")).not.toContain("__complete");
  });

  it("completes flags of the command and global flags", () => {
    expect(bashComplete("s3kit doctor --b")).toEqual(["--bucket"]);
    expect(bashComplete("s3kit doctor --end")).toEqual(["--endpoint-url"]);
  });

  it("completes argument choices", () => {
    expect(bashComplete("s3kit completion f")).toEqual(["fish"]);
  });

  describe("s3:// locations", () => {
    const bucket = `completion-${Date.now()}`;
    beforeAll(async () => {
      const env = motoEnv();
      const s3 = new S3Client({
        region: "us-east-1",
        endpoint: env.AWS_ENDPOINT_URL,
        forcePathStyle: true,
        credentials: {
          accessKeyId: env.AWS_ACCESS_KEY_ID as string,
          secretAccessKey: env.AWS_SECRET_ACCESS_KEY as string,
        },
      });
      await s3.send(new CreateBucketCommand({ Bucket: bucket }));
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "images/logo.png", Body: "x" }));
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "readme.txt", Body: "x" }));
    });

    it("completes bucket names with the current credentials (after bash's colon split)", () => {
      expect(bashComplete(`s3kit whoami s3://${bucket.slice(0, 12)}`, motoEnv())).toContain(
        `//${bucket}/`,
      );
    });

    it("completes folders and keys under a prefix", () => {
      const got = bashComplete(`s3kit whoami s3://${bucket}/`, motoEnv());
      expect(got).toEqual(
        expect.arrayContaining([`//${bucket}/images/`, `//${bucket}/readme.txt`]),
      );
    });

    it("offers nothing (and does not hang) without credentials", () => {
      const started = Date.now();
      expect(
        bashComplete("s3kit whoami s3://", { AWS_ENDPOINT_URL: "http://127.0.0.1:1" }),
      ).toEqual([]);
      expect(Date.now() - started).toBeLessThan(10_000);
    });
  });
});
