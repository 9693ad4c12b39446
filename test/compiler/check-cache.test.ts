import { describe, expect, test } from "bun:test";
import { existsSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { openVerdicts } from "../../src/cli/commands/compile-verdicts.ts";
import { createFilesystemStore } from "../../src/store/fs.ts";
import { createMemoryStore } from "../../src/store/memory.ts";
import { idse, tempDir } from "../helpers.ts";

// The verdicts of `compile agent-spec --all` (src/cli/commands/compile-verdicts.ts): a session found
// current is served from `.idse/.cache/` on the next run, and any change to what its compile reads (its
// spec, the blueprint's spec, its output file) is seen, a same-size edit with the mtime put back included;
// a corrupt or unwritable cache changes nothing but time.

const profileSpec = (yaml: string) =>
  `# Spec: shop\n\n## Agent Profile\n\n\`\`\`yaml\n${yaml}\n\`\`\`\n\n## Open Questions\n\nNone.\n`;
// The blueprint supplies the goals and tools billing inherits, so an edit of it changes billing's file.
const BASE = profileSpec(
  "id: shop-agent\nname: Shop Agent\ndescription: Shop default.\ngoals:\n  - Help\ntools: [git]",
);
const BILLING = profileSpec("id: billing-agent\nname: Billing Agent\ndescription: Bills customers.");
const SPEC = ".idse/projects/shop/sessions/billing/specs/spec.md";
const BASE_SPEC = ".idse/projects/shop/sessions/__blueprint__/specs/spec.md";
const OUT = ".idse/projects/shop/build/agents/billing.profile.yaml";
const VERDICTS = ".idse/.cache/compile-verdicts.tsv";

/** A whole-second time well before now, so it can be put back exactly and the stat cache trusts the file. */
const OLD = Math.floor(Date.now() / 1000) - 100;

async function run(cwd: string, ...argv: string[]) {
  const r = await idse(["compile", "agent-spec", "--all", ...argv, "--json"], { cwd });
  expect(r.json, r.stdout + r.stderr).toBeDefined();
  return r;
}

const billingRow = (r: Awaited<ReturnType<typeof run>>) =>
  r.json!.data.profiles.find((p: { session: string }) => p.session === "billing");

/** A shop whose files are compiled, with old mtimes, after two `--check` runs: the verdicts are cached. */
async function cachedShop(): Promise<string> {
  const cwd = tempDir();
  await idse(["init", "shop", "-q"], { cwd });
  await idse(["session", "create", "billing", "-q"], { cwd });
  writeFileSync(join(cwd, BASE_SPEC), BASE);
  writeFileSync(join(cwd, SPEC), BILLING);
  expect((await run(cwd)).code).toBe(0);
  for (const f of [SPEC, BASE_SPEC, OUT]) utimesSync(join(cwd, f), OLD, OLD);
  for (let i = 0; i < 2; i++) {
    const r = await run(cwd, "--check");
    expect(r.code).toBe(0);
    expect(r.json!.data.counts).toMatchObject({ compiled: 2, changed: 0 });
  }
  expect(readFileSync(join(cwd, VERDICTS), "utf8")).toStartWith("idse-compile-verdicts 1\n");
  return cwd;
}

/** Rewrites `file` in place to `text` of the same size and puts its mtime back: only its ctime moves. */
function sameSizeEdit(cwd: string, file: string, from: string, to: string) {
  expect(to.length).toBe(from.length);
  const path = join(cwd, file);
  const before = statSync(path, { bigint: true });
  const text = readFileSync(path, "utf8");
  expect(text).toContain(from);
  writeFileSync(path, text.replace(from, to));
  utimesSync(path, OLD, OLD);
  const after = statSync(path, { bigint: true });
  expect([after.size, after.mtimeNs, after.ino]).toEqual([before.size, before.mtimeNs, before.ino]);
}

/** The staleness --check reports, as (file, status) pairs. */
const stale = (r: Awaited<ReturnType<typeof run>>) =>
  r.json!.diagnostics.map((d: { code: string; file: string }) => `${d.code} ${d.file}`);

describe("compile agent-spec --all: cached verdicts", () => {
  test("a session found current is served from the cache, not compiled again", async () => {
    const cwd = await cachedShop();
    // Planting another name in billing's cached row: if the next run reports it, it did not compile billing.
    const path = join(cwd, VERDICTS);
    const text = readFileSync(path, "utf8");
    expect(text).toContain('"name":"Billing Agent"');
    writeFileSync(path, text.replace('"name":"Billing Agent"', '"name":"Planted Agent"'));
    const r = await run(cwd, "--check");
    expect(r.code).toBe(0);
    expect(billingRow(r).profile.name).toBe("Planted Agent");
    expect(billingRow(r).files).toEqual([{ path: OUT, format: "yaml", status: "unchanged", written: false }]);
    // A writing run serves it too (the file is exactly what it would write) and leaves the file alone.
    const w = await run(cwd);
    expect(billingRow(w).profile.name).toBe("Planted Agent");
    expect(statSync(join(cwd, OUT)).mtimeMs).toBe(OLD * 1000);
    // --timestamp and --session compile as before.
    expect(billingRow(await run(cwd, "--check", "--timestamp")).profile.name).toBe("Billing Agent");
    const one = await idse(["compile", "agent-spec", "--session", "billing", "--check", "--json"], { cwd });
    expect(one.json!.data.profiles[0].profile.name).toBe("Billing Agent");
  });

  test("--no-cache neither serves nor writes the record, and the MCP tool (read-only) writes none", async () => {
    const cwd = await cachedShop();
    const path = join(cwd, VERDICTS);
    const planted = readFileSync(path, "utf8").replace('"name":"Billing Agent"', '"name":"Planted Agent"');
    writeFileSync(path, planted);
    const r = await run(cwd, "--check", "--no-cache");
    expect(billingRow(r).profile.name).toBe("Billing Agent");
    expect(readFileSync(path, "utf8")).toBe(planted);
    // The MCP tool says it writes nothing: with the cache gone, a check of every session leaves none.
    rmSync(join(cwd, ".idse", ".cache"), { recursive: true, force: true });
    const { call, connect } = await import("../mcp/util.ts");
    const { client, close } = await connect(cwd);
    const res = await call(client, "compile_agent_spec", { all: true, mode: "check" });
    await close();
    expect(res.isError).toBeUndefined();
    expect(res.structuredContent.counts).toMatchObject({ compiled: 2, changed: 0 });
    expect(existsSync(join(cwd, ".idse", ".cache", "compile-verdicts.tsv"))).toBe(false);
    expect(existsSync(join(cwd, ".idse", ".cache", "stat", "compile.tsv"))).toBe(false);
  });

  // An edit always changes a file's stat, so the stat cache alone would miss; this holds the verdict's key
  // to the content hashes themselves: a stat cache that answers another hash for a file misses the verdict.
  for (const [what, key] of [
    ["spec", (_cwd: string) => "projects/shop/sessions/billing/specs/spec.md"],
    ["output", (cwd: string) => join(cwd, OUT)],
  ] as const) {
    test(`the key holds the ${what}'s content hash, not only its stat`, async () => {
      const cwd = await cachedShop();
      const path = join(cwd, VERDICTS);
      writeFileSync(
        path,
        readFileSync(path, "utf8").replace('"name":"Billing Agent"', '"name":"Planted Agent"'),
      );
      expect(billingRow(await run(cwd, "--check")).profile.name).toBe("Planted Agent");
      const stats = join(cwd, ".idse/.cache/stat/compile.tsv");
      const lines = readFileSync(stats, "utf8").split("\n");
      const at = lines.findIndex((l) => l.startsWith(`${key(cwd)}\t`));
      expect(at).toBeGreaterThan(0);
      lines[at] = lines[at]!.replace(/[0-9a-f]{64}$/, "f".repeat(64));
      writeFileSync(stats, lines.join("\n"));
      const r = await run(cwd, "--check");
      expect(r.code).toBe(0);
      expect(billingRow(r).profile.name).toBe("Billing Agent");
    });
  }

  for (const [what, file, from, to] of [
    ["the session's spec", SPEC, "Billing Agent", "Billing Agenz"],
    ["the blueprint's spec", BASE_SPEC, "tools: [git]", "tools: [npm]"],
    ["the output file", OUT, "Billing Agent", "Billing Agenz"],
  ] as const) {
    test(`an edit of ${what} is seen, a same-size one with its mtime put back included`, async () => {
      const cwd = await cachedShop();
      sameSizeEdit(cwd, file, from, to);
      for (let i = 0; i < 2; i++) {
        const r = await run(cwd, "--check");
        expect(r.code).toBe(1);
        expect(stale(r)).toContain(`AGENT_PROFILE_STALE ${OUT}`);
      }
      // Another size, and the edit undone: current again.
      const path = join(cwd, file);
      writeFileSync(path, `${readFileSync(path, "utf8")}\n`);
      expect((await run(cwd, "--check")).code).toBe(1);
      writeFileSync(path, readFileSync(path, "utf8").slice(0, -1).replace(to, from));
      expect((await run(cwd, "--check")).code).toBe(0);
    });
  }

  test("a deleted output or blueprint, and a broken spec, are reported every time (never cached)", async () => {
    const cwd = await cachedShop();
    rmSync(join(cwd, OUT));
    for (let i = 0; i < 2; i++)
      expect(stale(await run(cwd, "--check"))).toEqual([`AGENT_PROFILE_STALE ${OUT}`]);
    expect((await run(cwd)).code).toBe(0);
    writeFileSync(join(cwd, SPEC), profileSpec("id: billing-agent\nname: [unclosed"));
    const first = await run(cwd, "--check");
    expect(first.code).toBe(1);
    expect(first.json!.data.counts.failed).toBe(1);
    expect((await run(cwd, "--check")).json!.diagnostics).toEqual(first.json!.diagnostics);
  });

  test("a corrupt, truncated or other-format cache is ignored and rebuilt", async () => {
    const cwd = await cachedShop();
    const path = join(cwd, VERDICTS);
    const good = readFileSync(path, "utf8");
    const line = good.split("\n")[1]!;
    for (const junk of [
      "garbage\n",
      good.replace("idse-compile-verdicts 1", "idse-compile-verdicts 0"),
      good.slice(0, -10),
      `idse-compile-verdicts 1\n${line.slice(0, 70)}\n`,
      `idse-compile-verdicts 1\n${line.replace(/"profile":/, '"profile":"x","_":')}\n`,
      "",
    ]) {
      writeFileSync(path, junk);
      const r = await run(cwd, "--check");
      expect(r.code).toBe(0);
      expect(billingRow(r).profile.name).toBe("Billing Agent");
      const rebuilt = readFileSync(path, "utf8");
      expect(rebuilt).toStartWith("idse-compile-verdicts 1\n");
      expect(rebuilt).toContain('"name":"Billing Agent"');
    }
  });

  test("a cache that cannot be written does not fail the command", async () => {
    const cwd = await cachedShop();
    rmSync(join(cwd, ".idse/.cache"), { recursive: true });
    writeFileSync(join(cwd, ".idse/.cache"), "not a folder");
    const r = await run(cwd, "--check");
    expect(r.code).toBe(0);
    expect(r.json!.data.counts).toMatchObject({ compiled: 2, changed: 0 });
    expect(billingRow(r).profile.name).toBe("Billing Agent");
    expect((await run(cwd)).code).toBe(0);
  });

  test("only a filesystem store has verdicts: any other compiles every session as before", () => {
    const root = tempDir();
    const input = {
      idseDir: join(root, ".idse"),
      project: "shop",
      blueprint: "__blueprint__",
      blueprintSpec: undefined,
      sessions: [{ session: "billing", specKey: "projects/shop/sessions/billing/specs/spec.md" }],
      outDir: join(root, "out"),
      within: root,
      formats: ["yaml"],
      schemaRef: "schema.json",
      outPath: (session: string, fmt: string) => join(root, "out", `${session}.profile.${fmt}`),
    };
    expect(openVerdicts({ ...input, store: createMemoryStore() })).toBeUndefined();
    expect(openVerdicts({ ...input, store: createFilesystemStore(join(root, ".idse"), root) })).toBeDefined();
  });
});
