// Synthetic secrets for the secret guard's tests: one or more per rule of src/sync/secret-rules.json,
// plus look-alikes the rules must let through. Nothing here is a real credential, and no value appears
// in the source as one string (each is assembled at run time from pieces and a seeded generator), so
// secret scanners such as GitHub push protection have nothing to flag in this file.

/** A deterministic generator (mulberry32), so every run builds the same corpus. */
function generator(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const LOWER = "abcdefghijklmnopqrstuvwxyz";
const DIGITS = "0123456789";
const ALNUM = UPPER + LOWER + DIGITS;
const B64 = `${ALNUM}+/`;
const B64URL = `${ALNUM}-_`;

export function randomString(alphabet: string, n: number, seed: number): string {
  const next = generator(seed);
  let out = "";
  for (let i = 0; i < n; i++) out += alphabet[Math.floor(next() * alphabet.length)];
  // Generated secrets have mixed classes; force a digit and a letter so entropy rules see a real shape.
  if (n >= 4 && /[0-9]/.test(alphabet) && !/[0-9]/.test(out)) out = `7${out.slice(1)}`;
  return out;
}

const j = (...parts: string[]) => parts.join("");
const b64url = (s: string) => Buffer.from(s).toString("base64url");
/** A shell-style reference to a variable, `${NAME}`. */
const ref = (name: string) => `$${"{"}${name}}`;

export interface CorpusCase {
  rule: string;
  /** A document line (or lines) holding the secret. */
  text: string;
  /** The secret as the rule captures it. */
  secret: string;
}

export function secretCorpus(): CorpusCase[] {
  const r = (alphabet: string, n: number, seed: number) => randomString(alphabet, n, seed);
  const pem = (kind: string, seed: number) => {
    const body = [0, 1, 2].map((i) => r(B64, 64, seed + i)).join("\n");
    return j("-----BEGIN ", kind, "PRIVATE KEY-----\n", body, "\n-----END ", kind, "PRIVATE KEY-----");
  };
  const cases: CorpusCase[] = [];
  const add = (rule: string, secret: string, line = (s: string) => s) =>
    cases.push({ rule, secret, text: line(secret) });

  add("private-key", pem("RSA ", 1), (s) => `Deploy key:\n\n${s}\n`);
  add("private-key", pem("OPENSSH ", 4));
  add("private-key", pem("", 7).replace(/\n/g, "\\n"), (s) => `{"private_key": "${s}"}`);
  add("aws-access-key-id", j("AK", "IA", r(`${UPPER}234567`, 16, 10)), (s) => `- access key: ${s}`);
  add("aws-access-key-id", j("AS", "IA", r(`${UPPER}234567`, 16, 11)));
  add("aws-secret-access-key", r(B64, 40, 12), (s) => `aws_secret_access_key = ${s}`);
  add("aws-secret-access-key", r(B64, 40, 13), (s) => `AWS_SECRET_ACCESS_KEY: "${s}"`);
  add("gcp-api-key", j("AI", "za", r(B64URL, 35, 14)), (s) => `maps key ${s} in the client`);
  add(
    "azure-storage-key",
    j(r(B64, 86, 15), "=="),
    (s) => `DefaultEndpointsProtocol=https;AccountName=shop;AccountKey=${s};EndpointSuffix=core.windows.net`,
  );
  add("github-token", j("gh", "p_", r(ALNUM, 36, 16)), (s) => `GITHUB_TOKEN ${s}`);
  add("github-token", j("gh", "s_", r(ALNUM, 36, 17)));
  add("github-token", j("gh", "o_", r(ALNUM, 36, 18)), (s) => `(${s})`);
  add("github-fine-grained-pat", j("github", "_pat_", r(ALNUM, 22, 19), "_", r(ALNUM, 59, 20)));
  add("gitlab-token", j("gl", "pat-", r(B64URL, 20, 21)), (s) => `curl -H "PRIVATE-TOKEN: ${s}"`);
  add("gitlab-token", j("gl", "dt-", r(B64URL, 24, 22)));
  add("slack-token", j("xo", "xb-", r(DIGITS, 11, 23), "-", r(DIGITS, 12, 24), "-", r(ALNUM, 24, 25)));
  add(
    "slack-token",
    j("xa", "pp-1-", r(UPPER + DIGITS, 11, 26), "-", r(DIGITS, 13, 27), "-", r(LOWER + DIGITS, 64, 28)),
  );
  add(
    "slack-webhook",
    j(
      "https://hooks.slack",
      ".com/services/T",
      r(UPPER + DIGITS, 8, 29),
      "/B",
      r(UPPER + DIGITS, 8, 30),
      "/",
      r(ALNUM, 24, 31),
    ),
  );
  add("stripe-key", j("sk", "_live_", r(ALNUM, 24, 32)), (s) => `STRIPE_KEY=${s}`);
  add("stripe-key", j("rk", "_test_", r(ALNUM, 24, 33)));
  add("npm-token", j("np", "m_", r(ALNUM, 36, 34)));
  add("npmrc-auth-token", r(ALNUM, 36, 35), (s) => j("//registry.npmjs.org/:_auth", "Token=", s));
  const jwt = j(
    b64url('{"alg":"HS256","typ":"JWT"}'),
    ".",
    b64url(`{"sub":"${r(DIGITS, 10, 36)}","name":"Ana"}`),
    ".",
    r(B64URL, 43, 37),
  );
  add("jwt", jwt, (s) => `Authorization header: ${s}`);
  add("url-credentials", r(ALNUM, 16, 38), (s) =>
    j("DATABASE_URL=postgres://app:", s, "@db.internal:5432/shop"),
  );
  add("url-credentials", r(ALNUM, 12, 39), (s) => j("https://deploy:", s, "@git.example.com/shop.git"));
  add("generic-secret-assignment", r(ALNUM, 20, 40), (s) => `DB_PASSWORD=${s}`);
  add("generic-secret-assignment", r(ALNUM, 32, 41), (s) => `"client_secret": "${s}",`);
  add("generic-secret-assignment", r(`${ALNUM}-_`, 28, 42), (s) => `  api_key: ${s}`);
  return cases;
}

/** Text that looks a little like a secret but is not one: every rule must stay quiet. */
export function lookAlikes(): { rule: string; text: string }[] {
  return [
    {
      rule: "private-key",
      text: j("-----BEGIN ", "PUBLIC KEY-----\nMIIBIjANBgkqh\n-----END PUBLIC KEY-----"),
    },
    { rule: "private-key", text: "Store the private key in the vault, never in the repository." },
    { rule: "aws-access-key-id", text: j("Example from the AWS docs: AK", "IAIOSFODNN7", "EXAMPLE") },
    {
      rule: "aws-secret-access-key",
      text: j("aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCY", "EXAMPLEKEY"),
    },
    { rule: "gcp-api-key", text: j("AI", "za prefix marks Google API keys") },
    { rule: "azure-storage-key", text: "AccountKey=<your-key>" },
    { rule: "github-token", text: j("Tokens start with gh", "p_ and are 40 characters long.") },
    { rule: "github-fine-grained-pat", text: j("github", "_pat_ tokens are fine-grained") },
    { rule: "gitlab-token", text: j("gl", "pat-xxxx is a placeholder") },
    { rule: "slack-token", text: j("xo", "xb-your-bot-token-here") },
    { rule: "slack-webhook", text: "Post to https://hooks.slack.com/services/... when the build fails." },
    { rule: "stripe-key", text: j("pk", "_live_", "51HqLyjWDarjtT1zdp7dc (publishable keys are public)") },
    { rule: "npm-token", text: "Run npm_config_registry=… npm install" },
    { rule: "npmrc-auth-token", text: j("//registry.npmjs.org/:_auth", "Token=", ref("NPM_TOKEN")) },
    { rule: "jwt", text: j("ey", "J is how a JSON object starts in base64") },
    { rule: "url-credentials", text: "postgres://user:password@localhost:5432/app" },
    { rule: "url-credentials", text: j("https://deploy:", ref("DEPLOY_TOKEN"), "@git.example.com/shop.git") },
    { rule: "generic-secret-assignment", text: "password: [REQUIRES INPUT]" },
    { rule: "generic-secret-assignment", text: "token = process.env.GITHUB_TOKEN" },
    { rule: "generic-secret-assignment", text: "secret: rotateMonthlyViaVaultPolicy" },
    { rule: "generic-secret-assignment", text: "DB_PASSWORD=changeme12345" },
    { rule: "generic-secret-assignment", text: j("api_key: ", ref("API_KEY_FROM_VAULT_2024")) },
    { rule: "generic-secret-assignment", text: "token: abc12345" },
    { rule: "generic-secret-assignment", text: "The session token (NFR-2) expires after 15 minutes." },
  ];
}
