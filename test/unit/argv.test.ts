import { expect, test } from "bun:test";
import { optionShape, scanArgv } from "../../src/cli/argv.ts";

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
