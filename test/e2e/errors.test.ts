import { beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tempDir } from "../helpers.ts";
import { errorOf, expectFail, json, ok, requireBinary, run, snapshot } from "./util.ts";

// Usage errors (exit 2) and invalid ids (exit 2, INVALID_ID, nothing created anywhere), each with and
// without --json.

beforeAll(requireBinary);

/** A temp dir holding the repository (`repo/`), so a path that escapes the repo still lands in it. */
function sandbox(withProject: boolean) {
  const top = tempDir();
  const repo = join(top, "repo");
  mkdirSync(repo);
  if (withProject) {
    ok(["init", "shop"], { cwd: repo });
    writeFileSync(join(repo, "doc.md"), "# a document\n");
  }
  return { top, repo };
}

describe("usage errors exit 2", () => {
  const cases: [string[], string][] = [
    [["frobnicate"], "UNKNOWN_COMMAND"],
    [["session", "frobnicate"], "UNKNOWN_COMMAND"],
    [["sesion", "list"], "UNKNOWN_COMMAND"],
    [["config", "delete", "owner"], "UNKNOWN_COMMAND"],
    [["status", "--bogus"], "UNKNOWN_OPTION"],
    [["init", "x", "--guided"], "UNKNOWN_OPTION"],
    [["sessions", "--frobnicate"], "UNKNOWN_OPTION"],
    [["--bogus"], "UNKNOWN_OPTION"],
    [["sessions", "--type", "epic"], "INVALID_ENUM"],
    [["session", "set-status", "__blueprint__", "--status", "done"], "INVALID_ENUM"],
    [["artifact", "read", "--stage", "design"], "INVALID_ENUM"],
    [["spawn", "x", "--plan", "epic"], "INVALID_ENUM"],
    [["spawn", "x"], "USAGE"],
    [["session", "set-owner", "__blueprint__"], "USAGE"],
    [["session", "create", "x", "--owner"], "USAGE"],
    [["status", "extra"], "USAGE"],
    [["init"], "MISSING_ARGUMENT"],
    [["session", "switch"], "MISSING_ARGUMENT"],
    [["session-info"], "MISSING_ARGUMENT"],
    [["config", "get"], "MISSING_ARGUMENT"],
  ];

  for (const [argv, code] of cases) {
    test(`idse ${argv.join(" ")} → ${code}`, () => {
      const { top } = sandbox(true);
      const repo = join(top, "repo");
      const before = snapshot(top);
      const j = expectFail(json(argv, { cwd: repo }), 2, code);
      expect(j.stderr).toBe("");
      expect(errorOf(j).message.length).toBeGreaterThan(0);
      expectFail(run(argv, { cwd: repo }), 2, code);
      expect(snapshot(top)).toEqual(before);
    });
  }

  test("a bare command group lists its subcommands (with --json: as help's data), exit 0 either way", () => {
    const { repo } = sandbox(true);
    const text = run(["session"], { cwd: repo });
    expect(text.code).toBe(0);
    expect(text.stdout).toContain("session set-stage <id>");
    const j = json(["session"], { cwd: repo });
    expect([j.code, j.env.command]).toEqual([0, "help"]);
    expect(JSON.stringify(j.env.data.commands)).toContain("session create");
  });

  test("usage errors are reported before the workspace is looked at", () => {
    const cwd = tempDir();
    expectFail(json(["status", "--bogus"], { cwd }), 2, "UNKNOWN_OPTION");
    expectFail(json(["frobnicate"], { cwd }), 2, "UNKNOWN_COMMAND");
    expectFail(json(["sessions", "--status", "nope"], { cwd }), 2, "INVALID_ENUM");
    expect(snapshot(cwd)).toEqual({});
  });

  test("an unknown option before the command is still an unknown option", () => {
    const { top, repo } = sandbox(true);
    const before = snapshot(top);
    expectFail(json(["--bogus", "status"], { cwd: repo }), 2, "UNKNOWN_OPTION");
    expectFail(run(["--frobnicate", "sessions"], { cwd: repo }), 2, "UNKNOWN_OPTION");
    expect(snapshot(top)).toEqual(before);
  });

  test("--json without a command prints the help as one JSON document (exit 0, as the text does)", () => {
    const cwd = tempDir();
    const r = json([], { cwd });
    expect(r.code).toBe(0);
    expect(r.env).toMatchObject({ ok: true, command: "help", data: { topic: null } });
    expect(r.env.data.commands.length).toBeGreaterThan(40);
    expect(snapshot(cwd)).toEqual({});
  });
});

describe("invalid ids exit 2 with INVALID_ID and create nothing", () => {
  const BAD: [string, string][] = [
    ["../x", "dot-dot"],
    ["a/b", "slash"],
    ["/abs", "absolute"],
    ["", "empty"],
    ["a\u0001b", "control character"],
    ["x\ny", "newline"],
    ["a\\b", "backslash"],
    [".hidden", "leading dot"],
  ];

  for (const [id, label] of BAD) {
    test(`project id ${label} (${JSON.stringify(id)})`, () => {
      // init in an empty directory
      const empty = sandbox(false);
      const before = snapshot(empty.top);
      expectFail(json(["init", id], { cwd: empty.repo }), 2, "INVALID_ID");
      expectFail(run(["init", id, "--stack", "go"], { cwd: empty.repo }), 2, "INVALID_ID");
      expect(snapshot(empty.top)).toEqual(before);

      // an absolute id inside the sandbox: it must not be created there either
      const inside = join(empty.top, "escaped");
      expectFail(json(["init", inside], { cwd: empty.repo }), 2, "INVALID_ID");
      expect(snapshot(empty.top)).toEqual(before);

      // --project / IDSE_PROJECT in an existing workspace
      const { top, repo } = sandbox(true);
      const ws = snapshot(top);
      const r = expectFail(json(["status", "--project", id], { cwd: repo }), 2, "INVALID_ID");
      expect(errorOf(r).kind).toBe("project");
      expectFail(run(["session", "create", "ok-id", "--project", id], { cwd: repo }), 2, "INVALID_ID");
      expectFail(json(["init", id], { cwd: repo }), 2, "INVALID_ID");
      if (id !== "") {
        // an empty IDSE_PROJECT means "not set"
        expectFail(json(["sessions"], { cwd: repo, env: { IDSE_PROJECT: id } }), 2, "INVALID_ID");
      }
      expect(snapshot(top)).toEqual(ws);
    });

    test(`session id ${label} (${JSON.stringify(id)})`, () => {
      const { top, repo } = sandbox(true);
      const before = snapshot(top);
      const commands: string[][] = [
        ["session", "create", id],
        ["session", "create", id, "--description", "d", "--owner", "o"],
        ["spawn", id, "--plan", "feature"],
        ["spawn", "fine", "--plan", "feature", "--blueprint", id],
        ["session", "switch", id],
        ["session-info", id, "--lineage"],
        ["session", "set-owner", id, "--owner", "o"],
        ["session", "add-collaborator", id, "--name", "n"],
        ["session", "remove-collaborator", id, "--name", "n"],
        ["session", "set-status", id, "--status", "complete"],
        ["session", "set-stage", id, "--stage", "spec", "--status", "completed"],
        ["artifact", "read", "--stage", "spec", "--session", id],
        ["artifact", "write", "--stage", "spec", "--session", id, "--file", "doc.md"],
      ];
      for (const argv of commands) {
        const r = expectFail(json(argv, { cwd: repo }), 2, "INVALID_ID");
        expect(errorOf(r).kind).toBe("session");
        expectFail(run(argv, { cwd: repo }), 2, "INVALID_ID");
      }
      expectFail(
        json(["artifact", "write", "--stage", "spec", "--session", id], { cwd: repo, stdin: "# x\n" }),
        2,
        "INVALID_ID",
      );
      expect(snapshot(top)).toEqual(before);
    });
  }

  test("uppercase and other non-slug ids are refused for new sessions and projects", () => {
    const { top, repo } = sandbox(true);
    const before = snapshot(top);
    for (const id of ["Shop", "has space", "é", "a".repeat(65)]) {
      expectFail(json(["init", id], { cwd: repo }), 2, "INVALID_ID");
      expectFail(json(["session", "create", id], { cwd: repo }), 2, "INVALID_ID");
      expectFail(json(["spawn", id, "--plan", "feature"], { cwd: repo }), 2, "INVALID_ID");
    }
    expect(snapshot(top)).toEqual(before);
  });
});

describe("a CURRENT_SESSION that escapes its project", () => {
  function escaped() {
    const { top, repo } = sandbox(true);
    writeFileSync(join(repo, ".idse/projects/shop/CURRENT_SESSION"), "../../../x\n");
    return { top, repo };
  }

  test("status reports NO_CURRENT_SESSION (exit 1), not an internal error", () => {
    const { repo } = escaped();
    expectFail(json(["status"], { cwd: repo }), 1, "NO_CURRENT_SESSION");
    expectFail(run(["status"], { cwd: repo }), 1, "NO_CURRENT_SESSION");
  });

  test("artifact read/write without --session report NO_CURRENT_SESSION (exit 1): the user typed no bad id", () => {
    const { top, repo } = escaped();
    const before = snapshot(top);
    expectFail(json(["artifact", "read", "--stage", "spec"], { cwd: repo }), 1, "NO_CURRENT_SESSION");
    expectFail(
      json(["artifact", "write", "--stage", "spec"], { cwd: repo, stdin: "# x\n" }),
      1,
      "NO_CURRENT_SESSION",
    );
    expect(snapshot(top)).toEqual(before);
  });

  test("doctor finds it and doctor --fix points CURRENT_SESSION back at the blueprint", () => {
    const { repo } = escaped();
    const d = json(["doctor"], { cwd: repo });
    expect(d.code).toBe(1);
    expect(d.env.data.findings).toMatchObject([
      { file: ".idse/projects/shop/CURRENT_SESSION", fixed: false },
    ]);
    ok(["doctor", "--fix"], { cwd: repo });
    expect(ok(["status", "--json"], { cwd: repo }).env.data.session).toBe("__blueprint__");
  });
});
