import { beforeAll, describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { BINARY, idse, tempDir } from "../helpers.ts";
import { requireBinary } from "./util.ts";

// A cloned repository can commit a symlink where idse keeps a state file, a cache or a setting: to
// /proc/self/fd/1 or /dev/stdin, on which a plain read waits for ever, or to /dev/zero, which a read
// takes until memory runs out. An attacker review found every command hanging this way (the recovery scan
// at start reads the locks and journals), and doctor, the hook and the caches. Each case here runs the
// compiled binary with its output on pipes, as an agent or CI runs it; a hang is killed after a minute
// (a normal run takes well under a second even on a busy machine) and fails the test.

beforeAll(requireBinary);

const P = ".idse/projects/shop";
const HANG = 60_000;

async function workspace(): Promise<string> {
  const cwd = tempDir();
  const r = await idse(["init", "shop", "-q"], { cwd });
  expect(r.code).toBe(0);
  return cwd;
}

function link(cwd: string, rel: string, to: string): void {
  const at = join(cwd, rel);
  mkdirSync(dirname(at), { recursive: true });
  rmSync(at, { recursive: true, force: true });
  symlinkSync(to, at);
}

function run(cwd: string, argv: string[], o: { env?: Record<string, string>; stdin?: string } = {}) {
  const r = spawnSync(BINARY, argv, {
    cwd,
    env: { PATH: process.env.PATH ?? "", HOME: cwd, ...o.env },
    input: o.stdin ?? "",
    encoding: "utf8",
    timeout: HANG,
    killSignal: "SIGKILL",
  });
  // A run that was killed has no status: it hung (or filled memory).
  expect({ argv, signal: r.signal }).toEqual({ argv, signal: null });
  return { code: r.status!, stdout: r.stdout, stderr: r.stderr };
}

const TARGETS = ["/proc/self/fd/1", "/dev/stdin", "/dev/zero"];

describe("a committed link to a device or a stream never hangs idse", () => {
  // The recovery scan before every command reads these; none is ever a link idse made.
  for (const rel of [
    ".idse/.idse.lock",
    ".idse/.idse-migrate.json",
    `${P}/.idse-intent.json`,
    `${P}/.idse.lock`,
  ]) {
    test(`status with ${rel} a link`, async () => {
      for (const to of TARGETS) {
        const cwd = await workspace();
        link(cwd, rel, to);
        expect(run(cwd, ["status"]).code).toBe(0);
      }
    });
  }

  test("the managed-files manifest a link, with a managed temp file beside CLAUDE.md", async () => {
    const cwd = await workspace();
    link(cwd, ".idse/agent_files.json", "/proc/self/fd/1");
    writeFileSync(join(cwd, "CLAUDE.md.99999.1.tmp"), "x");
    expect(run(cwd, ["status"]).code).toBe(0);
  });

  test("a lock that is a link is reported as no lock idse wrote, with the command that removes it", async () => {
    const cwd = await workspace();
    link(cwd, `${P}/.idse.lock`, "/dev/stdin");
    const r = run(cwd, ["session", "create", "s1", "--json"], { env: { IDSE_LOCK_TIMEOUT_MS: "200" } });
    const d = JSON.parse(r.stdout).diagnostics[0];
    expect([r.code, d.code, d.foreign]).toEqual([1, "LOCKED", true]);
    expect(d.hint).toContain(`\`rm ${join(cwd, P, ".idse.lock")}\``);
  });

  test("doctor: config.json, plugins.json and store-export.json links out are named, not read", async () => {
    for (const rel of [".idse/config.json", ".idse/plugins.json", ".idse/store-export.json"]) {
      for (const to of TARGETS) {
        const cwd = await workspace();
        link(cwd, rel, to);
        const r = run(cwd, ["doctor", "--json"]);
        expect(r.code).toBe(1);
        // A stream is refused by its real path; a socket (what a pipe of this runtime can be) cannot be
        // opened at all (ENXIO). Either way it is named, and nothing from it is printed.
        expect(JSON.parse(r.stdout).data.findings[0].problem).toMatch(
          /leads outside the repository|cannot be read \(ENXIO\)/,
        );
      }
    }
  });

  test("the Claude Code hook denies, and ends, when config.json or CURRENT_SESSION is such a link", async () => {
    for (const rel of [".idse/config.json", `${P}/CURRENT_SESSION`]) {
      for (const to of TARGETS) {
        const cwd = await workspace();
        link(cwd, rel, to);
        const input = JSON.stringify({
          cwd,
          hook_event_name: "PreToolUse",
          tool_name: "Write",
          tool_input: { file_path: join(cwd, "src/a.py"), content: "x" },
        });
        const r = run(cwd, ["hook", "claude-pre-tool-use"], {
          stdin: input,
          env: { CLAUDE_PROJECT_DIR: cwd },
        });
        expect(r.code).toBe(0);
        expect(JSON.parse(r.stdout).hookSpecificOutput.permissionDecision).toBe("deny");
      }
    }
  });

  test("caches that are links start anew: validate --all, compile agent-spec --all, sync status", async () => {
    for (const to of TARGETS) {
      const cwd = await workspace();
      link(cwd, ".idse/.cache/findings/shop.text.index", to);
      writeFileSync(join(cwd, ".idse/.cache/findings/shop.text.data"), "");
      link(cwd, ".idse/.cache/compile-verdicts.tsv", to);
      link(cwd, ".idse/.cache/stat/compile.tsv", to);
      link(cwd, ".idse/.cache/stat/local.tsv", to);
      expect(run(cwd, ["validate", "--all", "--json"]).stdout).toContain('"reports"');
      expect(run(cwd, ["compile", "agent-spec", "--all"]).code).toBe(0);
      expect(run(cwd, ["remote", "add", "backup", join(tempDir("idse-remote-"), "r")]).code).toBe(0);
      expect(run(cwd, ["sync", "status"]).code).toBe(0);
    }
  });
});
