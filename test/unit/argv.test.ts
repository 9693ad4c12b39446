import { expect, test } from "bun:test";
import { optionShape, readFlags, scanArgv } from "../../src/cli/argv.ts";

test("option values and positionals keep the exact strings typed", () => {
  const shapes = [
    optionShape({ flags: "--owner <owner>", description: "" }),
    optionShape({ flags: "--json", description: "" }),
  ];
  const s = scanArgv(["session", "create", "007", "--owner", "0123", "--json"], shapes);
  expect(s.positionals.map((p) => p.value)).toEqual(["session", "create", "007"]);
  expect(s.values.get("owner")).toEqual(["0123"]);
});

test("--name=value, repeated options and -- are handled", () => {
  const shapes = [optionShape({ flags: "--tag <tag>", description: "", multiple: true })];
  const s = scanArgv(["sessions", "--tag=a", "--tag", "b", "--", "--not-an-option"], shapes);
  expect(s.values.get("tag")).toEqual(["a", "b"]);
  expect(s.positionals.map((p) => p.value)).toEqual(["sessions", "--not-an-option"]);
});

test("option shapes: aliases, negation and camelCase", () => {
  expect(optionShape({ flags: "-q, --quiet", description: "" })).toEqual({
    names: ["q", "quiet"],
    takesValue: false,
    long: "quiet",
  });
  expect(optionShape({ flags: "--no-create-agent-files", description: "" }).long).toBe("createAgentFiles");
});

test("option tokens are recorded as typed, and none after --", () => {
  const shapes = [optionShape({ flags: "--project <name>", description: "" })];
  const s = scanArgv(["status", "--project", "p", "--json", "-q", "--", "--yes"], shapes);
  expect([...s.options]).toEqual(["--project", "--json", "-q"]);
});

// readFlags replaced cac: these are the options cac 7.1 gave for the same command lines (recorded from it),
// except that a value option's value is the string typed (cac made `007` the number 7, and kept a list
// for a repeated one; the CLI takes values from scanArgv either way).
const FLAG_SHAPES = [
  ...["--json", "--project <name>", "--cwd <dir>", "-q, --quiet", "-y, --yes", "-h, --help", "-v, --version"],
  ...["--stack <stack>", "--no-create-agent-files", "--force", "--tag <tag>"],
].map((flags) => optionShape({ flags, description: "" }));

test.each([
  [["init", "shop"], { createAgentFiles: true }],
  [["init", "shop", "--no-create-agent-files"], { createAgentFiles: false }],
  [["init", "shop", "--create-agent-files"], { createAgentFiles: true }],
  [
    ["init", "shop", "-qy", "--json"],
    { createAgentFiles: true, q: true, y: true, json: true, quiet: true, yes: true },
  ],
  [["init", "shop", "--stack", "007", "--force"], { createAgentFiles: true, stack: "007", force: true }],
  [["init", "shop", "--stack"], { createAgentFiles: true, stack: true }],
  [["init", "shop", "--stack", "--force"], { createAgentFiles: true, stack: true, force: true }],
  [["init", "shop", "--stack=ts"], { createAgentFiles: true, stack: "ts" }],
  [["init", "shop", "--json=false"], { createAgentFiles: true, json: false }],
  [["init", "shop", "--json=true"], { createAgentFiles: true, json: true }],
  [["init", "shop", "--bogus", "--other-thing=3"], { createAgentFiles: true, bogus: true, otherThing: "3" }],
  [["init", "shop", "--no-bogus"], { createAgentFiles: true, bogus: false }],
  [["init", "shop", "-x"], { createAgentFiles: true, x: true }],
  [["init", "shop", "--", "--force", "-q"], { createAgentFiles: true, "--": ["--force", "-q"] }],
  [["init", "shop", "-h"], { createAgentFiles: true, h: true, help: true }],
  [["init", "shop", "--tag", "a", "--tag", "b"], { createAgentFiles: true, tag: "b" }],
  [["init", "shop", "--force=false"], { createAgentFiles: true, force: false }],
])("readFlags %j gives what cac gave", (argv, want) => {
  expect(readFlags(argv, FLAG_SHAPES)).toEqual({ "--": [], ...want });
});
