// "Did you mean" helpers: bucket names that differ by a typo or by the environment
// part (prod-/dev-/staging-), and action names with a small spelling mistake.

export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      cur[j] = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost);
    }
    prev = cur;
  }
  return prev[b.length] ?? 0;
}

const ENVIRONMENTS = [
  "prod",
  "production",
  "prd",
  "dev",
  "development",
  "stage",
  "staging",
  "stg",
  "test",
  "testing",
  "qa",
  "uat",
  "preprod",
  "sandbox",
  "demo",
  "local",
];

/** The name with environment words removed: "prod-app-uploads" → "app-uploads". */
function withoutEnvironment(name: string): { rest: string; envs: string[] } {
  const parts = name.split(/([-.])/);
  const envs: string[] = [];
  const kept: string[] = [];
  for (const p of parts) {
    if (ENVIRONMENTS.includes(p)) envs.push(p);
    else kept.push(p);
  }
  const rest = kept
    .join("")
    .replace(/[-.]{2,}/g, "-")
    .replace(/^[-.]|[-.]$/g, "");
  return { rest, envs };
}

export type NearMiss =
  | { kind: "environment"; expectedEnv: string; foundEnv: string }
  | { kind: "typo"; distance: number };

/** How `found` (in the policy) nearly names `expected` (the requested bucket), if it does. */
export function bucketNearMiss(expected: string, found: string): NearMiss | undefined {
  if (expected === found) return undefined;
  const e = withoutEnvironment(expected);
  const f = withoutEnvironment(found);
  if (e.rest === f.rest && e.rest !== "" && (e.envs.length > 0 || f.envs.length > 0)) {
    return {
      kind: "environment",
      expectedEnv: e.envs.join("-") || "(none)",
      foundEnv: f.envs.join("-") || "(none)",
    };
  }
  const distance = editDistance(expected, found);
  const limit = Math.max(1, Math.min(3, Math.floor(expected.length / 5)));
  if (distance <= limit) return { kind: "typo", distance };
  return undefined;
}

/** Closest candidate within a small edit distance (case-insensitive), if any. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  const lc = word.toLowerCase();
  let best: string | undefined;
  let bestD = Math.max(2, Math.floor(word.length / 4)) + 1;
  for (const c of candidates) {
    const d = editDistance(lc, c.toLowerCase());
    if (d < bestD) {
      best = c;
      bestD = d;
    }
  }
  return best;
}
