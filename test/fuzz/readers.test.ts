import { afterAll, describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, sep } from "node:path";
import fc from "fast-check";
import { IdseError } from "../../src/errors.ts";
import { loadCredentials } from "../../src/sync/credentials.ts";
import { idse, initShop, tempDir } from "../helpers.ts";
import { damaged, damagedText, fuzzRuns } from "./mutate.ts";

// Property-based fuzzing of every reader of a file or input a user or a crash can damage: the state
// JSON documents, config.json, ~/.idseconfig.json, plugins.json, the credentials file, a sync base,
// markdown artifacts, the Agent Profile's YAML and the hook's standard input. For each damaged input,
// every read-only command that reads it must: print exactly one JSON document; exit 0, 1 or 2; never
// report INTERNAL (an unexpected throw); and change no byte on disk. Figures: docs/reliability.md
// ("Fuzzing"); IDSE_FUZZ_RUNS=2000 runs more cases per reader.

const RUNS = fuzzRuns(100);
const tally: Record<string, { cases: number; runs: number }> = {};

afterAll(() => {
  const rows = Object.entries(tally);
  const cases = rows.reduce((n, [, t]) => n + t.cases, 0);
  const runs = rows.reduce((n, [, t]) => n + t.runs, 0);
  for (const [name, t] of rows) console.log(`fuzz: ${name}: ${t.cases} cases, ${t.runs} command runs`);
  console.log(
    `fuzz: ${cases} cases, ${runs} command runs, 0 INTERNAL, 0 changed bytes (${RUNS} cases per reader)`,
  );
});

function counter(name: string): { cases: number; runs: number } {
  tally[name] = { cases: 0, runs: 0 };
  return tally[name];
}

/** Every file under the given roots with the sha256 of its bytes. */
function fingerprint(roots: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (p: string) => {
    const st = lstatSync(p, { throwIfNoEntry: false });
    if (!st) return;
    // `.idse/.cache/` holds derived, git-ignored caches (sync's stat cache) that any command may
    // refresh, as `git status` refreshes the index; the workspace's own bytes are everything else.
    if (st.isDirectory() && p.endsWith(`${sep}.idse${sep}.cache`)) return;
    if (st.isDirectory()) for (const e of readdirSync(p)) walk(join(p, e));
    else out[p] = createHash("sha256").update(readFileSync(p)).digest("hex");
  };
  for (const r of roots) walk(r);
  return out;
}

interface Env {
  cwd: string;
  home: string;
}

/**
 * Runs a command that must not write (but for the files `mayWrite` matches: validate records the
 * validation status in the state files) and checks the properties.
 */
async function readOnly(e: Env, argv: string[], stdin?: string, mayWrite?: RegExp): Promise<void> {
  const keep = (f: Record<string, string>) =>
    mayWrite ? Object.fromEntries(Object.entries(f).filter(([k]) => !mayWrite.test(k))) : f;
  const before = keep(fingerprint([join(e.cwd, ".idse"), e.home]));
  const r = await idse([...argv, "--json"], { cwd: e.cwd, home: e.home, stdin });
  const what = `idse ${argv.join(" ")} → exit ${r.code}\n${r.stdout}\n${r.stderr}`;
  expect(r.json, what).toBeDefined();
  expect([0, 1, 2], what).toContain(r.code);
  expect(
    r.json!.diagnostics.map((d: { code: string }) => d.code),
    what,
  ).not.toContain("INTERNAL");
  expect(keep(fingerprint([join(e.cwd, ".idse"), e.home])), what).toEqual(before);
}

interface FileReader {
  name: string;
  file: (e: Env) => string;
  commands: string[][];
  arrange?: (e: Env) => Promise<void>;
}

const P = ".idse/projects/shop";
const READERS: FileReader[] = [
  {
    name: "session_state.json",
    file: (e) => join(e.cwd, P, "session_state.json"),
    commands: [["status"], ["sessions"], ["doctor"]],
  },
  {
    name: "stage_state.json",
    file: (e) => join(e.cwd, P, "sessions/__blueprint__/metadata/stage_state.json"),
    commands: [["status"], ["route", "--next"], ["doctor"]],
  },
  {
    name: "session.json",
    file: (e) => join(e.cwd, P, "sessions/__blueprint__/metadata/session.json"),
    commands: [["sessions"], ["session-info", "__blueprint__"], ["doctor"]],
  },
  {
    name: "agent_registry.json",
    file: (e) => join(e.cwd, P, "agent_registry.json"),
    commands: [["agents", "list"], ["route", "--next"], ["doctor"]],
  },
  {
    name: "a sync base",
    file: (e) => join(e.cwd, P, "sync/backup.json"),
    arrange: async (e) => {
      expect((await idse(["remote", "add", "backup", tempDir()], e)).code).toBe(0);
      expect((await idse(["sync", "push"], e)).code).toBe(0);
    },
    commands: [["sync", "status"], ["doctor"]],
  },
  {
    name: "config.json",
    file: (e) => join(e.cwd, ".idse/config.json"),
    arrange: async (e) => {
      expect((await idse(["config", "set", "stack", "go"], e)).code).toBe(0);
      expect((await idse(["remote", "add", "backup", tempDir()], e)).code).toBe(0);
    },
    commands: [["config", "list"], ["status"], ["remote", "list"], ["doctor"]],
  },
  {
    name: "~/.idseconfig.json",
    file: (e) => join(e.home, ".idseconfig.json"),
    arrange: async (e) =>
      writeFileSync(join(e.home, ".idseconfig.json"), '{"owner": "ana", "stack": "go"}\n'),
    commands: [["config", "list"], ["status"], ["doctor"]],
  },
  {
    name: "plugins.json",
    file: (e) => join(e.cwd, ".idse/plugins.json"),
    arrange: async (e) => {
      expect((await idse(["plugin", "add", "sqlite-store", "--yes"], e)).code).toBe(0);
    },
    commands: [["plugin", "list"], ["plugin", "verify"], ["status"], ["doctor"]],
  },
];

describe("fuzzing the JSON readers: damaged files never crash a read-only command or change a byte", () => {
  for (const reader of READERS) {
    test(reader.name, async () => {
      const cwd = await initShop("--no-create-agent-files");
      const e: Env = { cwd, home: tempDir("idse-home-") };
      await reader.arrange?.(e);
      const file = reader.file(e);
      const good = readFileSync(file, "utf8");
      const t = counter(reader.name);
      await fc.assert(
        fc.asyncProperty(damaged(good), async (bytes) => {
          writeFileSync(file, bytes);
          t.cases++;
          for (const argv of reader.commands) {
            await readOnly(e, argv);
            t.runs++;
          }
        }),
        { numRuns: RUNS },
      );
    }, 600_000);
  }
});

const profile = (yaml: string) =>
  `# Spec: shop\n\n## Agent Profile\n\n\`\`\`yaml\n${yaml}\n\`\`\`\n\n## Open Questions\n\nNone.\n`;
const GOOD_YAML =
  "id: billing-agent\nname: Billing Agent\ndescription: Bills.\ngoals:\n  - Send invoices\ntools: [git, stripe]\nruntime_hints:\n  mode: implementation";

/**
 * YAML with anchors and aliases in random shapes, up to exponential expansions, inside keys the
 * compiler reads (an alias bomb under an unknown key is refused before anything expands it).
 */
const aliasYaml = fc
  .tuple(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 12 }), fc.constantFrom("tools", "goals"))
  .map(([levels, width, key]) => {
    const levels_ = Array.from(
      { length: levels },
      (_, i) => `&x${i + 1} [${Array(width).fill(`*x${i}`).join(", ")}]`,
    );
    return `id: a\nname: b\ndescription: &x0 v\n${key}: [${levels_.join(", ")}]`;
  });

describe("fuzzing the text readers", () => {
  test("markdown artifacts: validate, artifact read and status", async () => {
    const cwd = await initShop("--no-create-agent-files");
    const e: Env = { cwd, home: tempDir("idse-home-") };
    const file = join(cwd, P, "sessions/__blueprint__/plans/plan.md");
    const t = counter("markdown artifacts");
    await fc.assert(
      fc.asyncProperty(damagedText(readFileSync(file, "utf8")), async (text) => {
        writeFileSync(file, text);
        t.cases++;
        await readOnly(e, ["validate", "--stage", "plan"], undefined, /(session|stage)_state\.json$/);
        await readOnly(e, ["artifact", "read", "--stage", "plan"]);
        await readOnly(e, ["status"]);
        t.runs += 3;
        // Bytes in, the same bytes out: what artifact read returns is the file's text exactly.
        const r = await idse(["artifact", "read", "--stage", "plan", "--json"], e);
        if (r.code === 0) expect(r.json!.data.content).toBe(readFileSync(file, "utf8"));
      }),
      { numRuns: RUNS },
    );
  }, 600_000);

  test("the Agent Profile's YAML: compile agent-spec --check", async () => {
    const cwd = await initShop("--no-create-agent-files");
    const e: Env = { cwd, home: tempDir("idse-home-") };
    const file = join(cwd, P, "sessions/__blueprint__/specs/spec.md");
    const t = counter("Agent Profile YAML");
    const yaml = fc.oneof(damagedText(GOOD_YAML), aliasYaml, fc.string({ maxLength: 200 }));
    await fc.assert(
      fc.asyncProperty(yaml, async (y) => {
        writeFileSync(file, profile(y));
        t.cases++;
        await readOnly(e, ["compile", "agent-spec", "--check"]);
        t.runs++;
      }),
      { numRuns: RUNS },
    );
  }, 600_000);

  test("the hook's standard input: hook claude-pre-tool-use", async () => {
    const cwd = await initShop("--no-create-agent-files");
    const e: Env = { cwd, home: tempDir("idse-home-") };
    const good = JSON.stringify({
      hook_event_name: "PreToolUse",
      cwd,
      tool_name: "Write",
      tool_input: { file_path: join(cwd, "src/app.ts"), content: "x" },
    });
    const t = counter("hook stdin");
    const input = fc.oneof(
      damaged(good).map((b) => Buffer.from(b).toString("utf8")),
      fc.jsonValue().map((v) => JSON.stringify(v)),
    );
    await fc.assert(
      fc.asyncProperty(input, async (stdin) => {
        t.cases++;
        await readOnly(e, ["hook", "claude-pre-tool-use"], stdin);
        t.runs++;
      }),
      { numRuns: RUNS },
    );
  }, 600_000);
});

describe("fuzzing the credentials file (read directly: it is read only for plugin remotes)", () => {
  test("a damaged file is CORRUPT_FILE or read; never another error, never its secret in a message", () => {
    const home = tempDir("idse-home-");
    const file = join(home, ".config", "idse", "credentials.json");
    mkdirSync(dirname(file), { recursive: true });
    const SECRET = "fuzz-secret-0123456789";
    const good = JSON.stringify({ remotes: { team: { IDSE_ARTIFACT_TOKEN: SECRET } } }, null, 2);
    const t = counter("credentials file");
    fc.assert(
      fc.property(damaged(good), (bytes) => {
        writeFileSync(file, bytes);
        t.cases++;
        t.runs++;
        try {
          loadCredentials({}, home, { name: "team", url: "https://core.example.com" });
        } catch (err) {
          expect(err).toBeInstanceOf(IdseError);
          expect((err as IdseError).code).toBe("CORRUPT_FILE");
          expect((err as IdseError).message).not.toContain(SECRET);
        }
        expect(Buffer.from(readFileSync(file)).equals(Buffer.from(bytes))).toBe(true);
      }),
      { numRuns: RUNS * 10 },
    );
    expect(existsSync(file)).toBe(true);
  });
});
