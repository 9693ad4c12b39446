import { describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { BEGIN, END } from "../../src/routing/managed.ts";
import { idse, initShop, tempDir } from "../helpers.ts";

// `idse agents sync-files` (and `generate-agent-files`): which adapters render, the manifest, --check,
// and what happens to text a user wrote.

const read = (cwd: string, f: string) => readFileSync(join(cwd, f), "utf8");
const sync = async (cwd: string, ...argv: string[]) =>
  idse(["agents", "sync-files", ...argv, "--json"], { cwd });

const shop = initShop;

describe("sync-files", () => {
  test("init writes the default three files between markers, and a manifest of their hashes", async () => {
    const cwd = await shop();
    for (const f of ["CLAUDE.md", "AGENTS.md", ".cursorrules"]) {
      expect(read(cwd, f).startsWith(BEGIN)).toBe(true);
      expect(read(cwd, f).trimEnd().endsWith(END)).toBe(true);
    }
    const manifest = JSON.parse(read(cwd, ".idse/agent_files.json"));
    expect(manifest.adapters).toEqual(["claude-code", "codex", "cursor"]);
    expect(Object.keys(manifest.files).sort()).toEqual([".cursorrules", "AGENTS.md", "CLAUDE.md"]);
    const again = await sync(cwd);
    expect(again.json?.data.files.map((f: { action: string }) => f.action)).toEqual([
      "unchanged",
      "unchanged",
      "unchanged",
    ]);
  });

  test("each file follows the registry: agent, mode and stages", async () => {
    const cwd = await shop();
    await idse(["agents", "set-mode", "claude-code", "implementation"], { cwd });
    expect((await sync(cwd, "--check")).code).toBe(1);
    await sync(cwd);
    expect(read(cwd, "CLAUDE.md")).toContain("`claude-code`, orchestrator, **implementation** mode");
    expect(read(cwd, "AGENTS.md")).toContain(
      "`gpt-codex`, implementer, **implementation** mode; stages: implementation.",
    );
    expect(read(cwd, ".cursorrules")).toContain("No agent in `agent_registry.json` runs in Cursor");
  });

  test("an agent that declares an IDE enables its adapter; --ide renders only the ones named", async () => {
    const cwd = await shop();
    await idse(["agents", "add", "gem", "--ide", "gemini", "--mode", "planning", "--stages", "intent"], {
      cwd,
    });
    const r = await sync(cwd);
    expect(r.json?.data.adapters).toEqual(["claude-code", "codex", "cursor", "gemini"]);
    expect(read(cwd, "GEMINI.md")).toContain("`gem`");
    const only = await sync(cwd, "--ide", "copilot");
    expect(only.json?.data.files.map((f: { path: string }) => f.path)).toEqual([
      ".github/copilot-instructions.md",
    ]);
    expect(JSON.parse(read(cwd, ".idse/agent_files.json")).adapters).toEqual([
      "claude-code",
      "codex",
      "copilot",
      "cursor",
      "gemini",
    ]);
  });

  test("the current session is in the files: switching makes them stale until synced", async () => {
    const cwd = await shop();
    await idse(["session", "create", "auth", "--description", "Login"], { cwd });
    const check = await sync(cwd, "--check");
    expect(check.code).toBe(1);
    expect(check.json?.ok).toBe(false);
    expect(check.json?.data).toMatchObject({ check: true, stale: true });
    expect(check.json?.diagnostics.map((d) => d.code)).toEqual([
      "AGENT_FILE_STALE",
      "AGENT_FILE_STALE",
      "AGENT_FILE_STALE",
    ]);
    await sync(cwd);
    expect(read(cwd, "CLAUDE.md")).toContain("Current session: `auth` (feature: Login).");
    expect((await sync(cwd, "--check")).code).toBe(0);
  });

  test("--check writes nothing and reports missing files", async () => {
    const cwd = await shop("--no-create-agent-files");
    const r = await sync(cwd, "--check");
    expect(r.code).toBe(1);
    expect(r.json?.data.files.map((f: { action: string }) => f.action)).toEqual([
      "missing",
      "missing",
      "missing",
    ]);
    expect(existsSync(join(cwd, "CLAUDE.md"))).toBe(false);
    expect(existsSync(join(cwd, ".idse/agent_files.json"))).toBe(false);
  });

  test("editing by hand and syncing again loses nothing", async () => {
    const cwd = await shop();
    // Outside the markers: kept through every regeneration.
    writeFileSync(
      join(cwd, "CLAUDE.md"),
      `# Our team notes\n\nUse pnpm.\n\n${read(cwd, "CLAUDE.md")}\nFooter.\n`,
    );
    await idse(["session", "create", "auth"], { cwd });
    expect((await sync(cwd)).code).toBe(0);
    const claude = read(cwd, "CLAUDE.md");
    expect(claude.startsWith("# Our team notes\n\nUse pnpm.\n\n")).toBe(true);
    expect(claude.endsWith("\nFooter.\n")).toBe(true);
    expect(claude).toContain("Current session: `auth`");
    // Inside the markers: kept with a warning, reported by --check, replaced only with --force.
    const edited = read(cwd, "AGENTS.md").replace("## Rules", "## Rules\n\n- Our own rule.");
    writeFileSync(join(cwd, "AGENTS.md"), edited);
    await idse(["agents", "set-role", "gpt-codex", "builder"], { cwd });
    const kept = await sync(cwd);
    expect(kept.json?.data.files.find((f: { path: string }) => f.path === "AGENTS.md")).toMatchObject({
      action: "kept",
      reason: "edited",
    });
    expect(kept.json?.diagnostics.map((d) => d.code)).toEqual(["FILE_EDITED"]);
    expect(read(cwd, "AGENTS.md")).toBe(edited);
    expect((await sync(cwd, "--check")).code).toBe(1);
    await sync(cwd, "--force");
    expect(read(cwd, "AGENTS.md")).not.toContain("Our own rule.");
    expect(read(cwd, "AGENTS.md")).toContain("builder");
    expect((await sync(cwd, "--check")).code).toBe(0);
  });

  test("a file without markers is the user's: kept (FILE_KEPT), --force appends the block", async () => {
    const cwd = tempDir();
    writeFileSync(join(cwd, "AGENTS.md"), "hand written\n");
    const init = await idse(["init", "shop", "--json"], { cwd });
    expect(init.json?.diagnostics.map((d) => d.code)).toEqual(["FILE_KEPT"]);
    expect(read(cwd, "AGENTS.md")).toBe("hand written\n");
    const old = await idse(["generate-agent-files", "--json"], { cwd });
    expect(old.json?.command).toBe("generate-agent-files");
    expect(old.json?.data.files.find((f: { path: string }) => f.path === "AGENTS.md")).toMatchObject({
      action: "kept",
      reason: "unmanaged",
    });
    expect((await idse(["generate-agent-files", "--force"], { cwd })).code).toBe(0);
    expect(read(cwd, "AGENTS.md").startsWith("hand written\n\n<!-- idse:begin")).toBe(true);
  });

  test("cursor moves to .cursor/rules/idse.mdc when the repository uses project rules", async () => {
    const cwd = await shop("--no-create-agent-files");
    mkdirSync(join(cwd, ".cursor/rules"), { recursive: true });
    await sync(cwd);
    const mdc = read(cwd, ".cursor/rules/idse.mdc");
    expect(mdc.startsWith("---\ndescription:")).toBe(true);
    expect(mdc).toContain(BEGIN);
    expect(existsSync(join(cwd, ".cursorrules"))).toBe(false);
  });

  test("a broken manifest is an error and nothing is written", async () => {
    const cwd = await shop();
    writeFileSync(join(cwd, ".idse/agent_files.json"), "{");
    const before = read(cwd, "CLAUDE.md");
    const r = await sync(cwd);
    expect({ code: r.code, error: r.json?.diagnostics[0]?.code }).toEqual({ code: 1, error: "INVALID_FILE" });
    expect(read(cwd, "CLAUDE.md")).toBe(before);
  });
});

describe("session switch keeps the agent files on the current session", () => {
  test("the files idse manages name the new session at once; an edited block is kept, nothing is created", async () => {
    const cwd = await shop();
    expect((await idse(["spawn", "--plan", "feature", "auth", "-q"], { cwd })).code).toBe(0);
    rmSync(join(cwd, "AGENTS.md"));
    const edited = read(cwd, ".cursorrules").replace("Current session", "My own words; current session");
    writeFileSync(join(cwd, ".cursorrules"), edited);
    const r = await idse(["session", "switch", "auth", "--json"], { cwd });
    expect(r.code, r.stdout).toBe(0);
    expect(read(cwd, "CLAUDE.md")).toContain("Current session: `auth` (feature)");
    expect(r.json?.data.message).toContain("Agent files updated: CLAUDE.md");
    // A block edited by hand is kept (with the usual warning); a deleted file stays deleted.
    expect(read(cwd, ".cursorrules")).toBe(edited);
    expect(r.json?.diagnostics.map((d: { code: string }) => d.code)).toEqual(["FILE_EDITED"]);
    expect(existsSync(join(cwd, "AGENTS.md"))).toBe(false);
    // In step with the registry and the session: nothing left for sync-files to do for CLAUDE.md.
    const check = await sync(cwd, "--check", "--ide", "claude-code");
    expect(check.code).toBe(0);
  });

  test("a repository without generated agent files gets none from a switch", async () => {
    const cwd = await shop("--no-create-agent-files");
    expect((await idse(["spawn", "--plan", "feature", "auth", "-q"], { cwd })).code).toBe(0);
    expect((await idse(["session", "switch", "auth"], { cwd })).code).toBe(0);
    expect(existsSync(join(cwd, "CLAUDE.md"))).toBe(false);
    expect(existsSync(join(cwd, ".idse", "agent_files.json"))).toBe(false);
  });
});
