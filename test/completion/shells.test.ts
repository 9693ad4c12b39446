import { describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { complete, type ValueSource } from "../../src/cli/completion/complete.ts";
import { BINARY, idse, idseBinary, tempDir } from "../helpers.ts";

// Shell completion, run by the real shells from Debian (bash, zsh, fish: test/debian-tools.sh) against
// the scripts `idse completion <shell>` prints, calling back the compiled binary.

let cwd: string;
const scripts: Record<string, string> = {};

// Temporary directories are removed after each test (test/preload.ts): every test builds its own.
async function setup() {
  cwd = tempDir();
  const run = async (...argv: string[]) => {
    const r = await idse(argv, { cwd });
    if (r.code !== 0) throw new Error(`${argv.join(" ")}: ${r.stderr}`);
  };
  await run("init", "shop", "--no-create-agent-files");
  await run("spawn", "auth", "--plan", "feature");
  await run("spawn", "billing", "--plan", "feature");
  await run("init", "admin", "--no-create-agent-files");
  await run("remote", "add", "backup", tempDir());
  await run("plugin", "add", "sqlite-store", "--yes");
  for (const shell of ["bash", "zsh", "fish"]) {
    const r = idseBinary(["completion", shell], { cwd });
    expect(r.code).toBe(0);
    scripts[shell] = join(cwd, `completion.${shell}`);
    writeFileSync(scripts[shell]!, r.stdout);
  }
}

const env = () => ({ PATH: process.env.PATH ?? "", HOME: cwd, IDSE_BIN: BINARY });

/** bash: what _idse_complete puts in COMPREPLY for a line whose last word is being typed. */
function bash(words: string[]): string[] {
  const script = `source ${JSON.stringify(scripts.bash)}
COMP_WORDS=(idse ${words.map((w) => `'${w}'`).join(" ")}); COMP_CWORD=${words.length}
_idse_complete; printf '%s\\n' "\${COMPREPLY[@]}"`;
  const r = spawnSync("bash", ["--norc", "--noprofile", "-c", script], { cwd, env: env(), encoding: "utf8" });
  expect(r.stderr).toBe("");
  return r.stdout.split("\n").filter(Boolean);
}

/** fish: its own `complete -C` on the command line, as when Tab is pressed. */
function fish(line: string): string[] {
  const r = spawnSync("fish", ["--no-config", "-c", `source ${scripts.fish}; complete -C '${line}'`], {
    cwd,
    env: env(),
    encoding: "utf8",
  });
  expect(r.stderr).toBe("");
  return r.stdout
    .split("\n")
    .filter(Boolean)
    .map((l) => l.split("\t")[0]!);
}

/**
 * zsh: the script's function run by zsh with the completion system's `words` and `CURRENT`; compadd and
 * _files, which exist only inside a live completion widget, print what they were given.
 */
function zsh(words: string[]): string[] {
  const script = `compdef() { :; }; compadd() { [[ "$1" == "--" ]] && shift; print -l -- "$@"; }; _files() { print FILES; }
source ${JSON.stringify(scripts.zsh)}
words=(idse ${words.map((w) => `'${w}'`).join(" ")}); CURRENT=${words.length + 1}
_idse`;
  const r = spawnSync("zsh", ["-f", "-c", script], { cwd, env: env(), encoding: "utf8" });
  expect(r.stderr).toBe("");
  return r.stdout.split("\n").filter(Boolean);
}

describe("completion in real shells", () => {
  test("bash: commands, subcommands, options, dynamic values, files", async () => {
    await setup();
    expect(bash(["pl"])).toEqual(["plugin"]);
    expect(bash(["plugin", ""])).toEqual(["add", "disable", "enable", "info", "list", "remove", "verify"]);
    expect(bash(["next", "--all"])).toEqual(["--all-projects"]);
    expect(bash(["--project", ""])).toEqual(["admin", "shop"]);
    expect(bash(["--project", "shop", "session", "switch", ""])).toEqual([
      "__blueprint__",
      "auth",
      "billing",
    ]);
    expect(bash(["route", "sp"])).toEqual(["spec"]);
    expect(bash(["sync", "push", ""])).toEqual(["backup"]);
    expect(bash(["plugin", "info", ""])).toEqual(["sqlite-store"]);
    expect(bash(["next", "--agent", "gpt"])).toEqual(["gpt-codex"]);
    expect(bash(["validate", "--rule", "idse/artifact-p"])).toEqual(["idse/artifact-present"]);
    writeFileSync(join(cwd, "plan-draft.md"), "# Plan\n");
    expect(bash(["artifact", "write", "--file", "plan-d"])).toEqual(["plan-draft.md"]);
  }, 120_000);

  test("zsh: the same candidates through its completion function", async () => {
    await setup();
    expect(zsh(["sess"])).toEqual(["session", "session-info", "sessions"]);
    expect(zsh(["--project", "shop", "session-info", "a"])).toEqual(["auth"]);
    expect(zsh(["graph", "--format", ""])).toEqual(["dot", "json", "mermaid"]);
    expect(zsh(["artifact", "write", "--file", ""])).toEqual(["FILES"]);
  }, 120_000);

  test("fish: complete -C on a command line", async () => {
    await setup();
    expect(fish("idse comp")).toEqual(["compile", "completion"]);
    expect(fish("idse agents set-mode claude-code ")).toEqual(["implementation", "planning"]);
    expect(fish("idse --project shop spawn x --blueprint a")).toEqual(["auth"]);
    expect(fish("idse plugin add not")).toEqual(["notion-store"]);
  }, 120_000);
});

describe("complete()", () => {
  const source: ValueSource = { values: async (k) => (k === "sessions" ? ["auth", "billing"] : []) };
  test("positionals after options, groups, unknown words", async () => {
    expect(await complete(["session-info", "--json", "b"], source)).toEqual(["billing"]);
    expect(await complete(["frobnicate", ""], source)).toEqual([]);
    expect(await complete(["status", "--json", ""], source)).toEqual([]);
    expect(await complete(["completion", "f"], source)).toEqual([]);
  });
  test("a bad shell name is a usage error", async () => {
    const r = await idse(["completion", "tcsh", "--json"], { cwd: tempDir() });
    expect(r.code).toBe(2);
    expect(r.json!.diagnostics[0].code).toBe("INVALID_ENUM");
  });
});
