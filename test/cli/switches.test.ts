import { expect, test } from "bun:test";
import { VERSION } from "../../src/version.ts";
import { idse, tempDir } from "../helpers.ts";

// From a new-user review: `status --all=no` acted as --all, and `--version` after a command was ignored
// (`idse init --version` asked for the project's name), though every command's help lists it.

test("a switch given a value other than true or false is a usage error, naming it", async () => {
  const cwd = tempDir();
  expect((await idse(["init", "shop", "-q"], { cwd })).code).toBe(0);
  const r = await idse(["status", "--all=no", "--json"], { cwd });
  expect([r.code, r.json?.diagnostics[0].code]).toEqual([2, "USAGE"]);
  expect(r.json?.diagnostics[0].message).toContain("--all is a switch");
  expect((await idse(["status", "--all=false", "--json"], { cwd })).code).toBe(0);
  expect((await idse(["status", "--all=true", "--json"], { cwd })).json?.data).toBeDefined();
});

test("--version after a command prints the version, as --help prints the command's help", async () => {
  const cwd = tempDir();
  for (const argv of [
    ["init", "--version"],
    ["status", "--version"],
    ["status", "-v"],
  ]) {
    const r = await idse(argv, { cwd });
    expect({ argv, code: r.code, out: r.stdout.trim() }).toEqual({ argv, code: 0, out: `idse ${VERSION}` });
  }
});

test('`--file -` is standard input (it was "option --file needs a value")', async () => {
  const cwd = tempDir();
  expect((await idse(["init", "shop", "-q"], { cwd })).code).toBe(0);
  const doc = "# Spec\n\nfrom a pipe\n";
  expect(
    (await idse(["artifact", "write", "--stage", "spec", "--file", "-"], { cwd, stdin: doc })).code,
  ).toBe(0);
  expect((await idse(["artifact", "read", "--stage", "spec"], { cwd })).stdout).toBe(doc);
});

test("validate --format sarif with --json is a usage error (the SARIF was silently dropped)", async () => {
  const cwd = tempDir();
  expect((await idse(["init", "shop", "-q"], { cwd })).code).toBe(0);
  const r = await idse(["validate", "--format", "sarif", "--json"], { cwd });
  expect([r.code, r.json?.diagnostics[0].code]).toEqual([2, "USAGE"]);
  expect((await idse(["validate", "--format", "json", "--json"], { cwd })).json?.ok).toBeDefined();
});

test("init with a --project that names another project is a usage error (it was ignored)", async () => {
  const cwd = tempDir();
  const r = await idse(["init", "foo", "--project", "bar", "--json"], { cwd });
  expect([r.code, r.json?.diagnostics[0].code]).toEqual([2, "USAGE"]);
  expect((await idse(["init", "foo", "--project", "foo", "-q"], { cwd })).code).toBe(0);
});

test("validate --output: the hint points at the file the findings went to, not at text above", async () => {
  const cwd = tempDir();
  expect((await idse(["init", "shop", "-q"], { cwd })).code).toBe(0);
  const r = await idse(["validate", "--format", "sarif", "--output", "idse.sarif"], { cwd });
  expect(r.stdout).toContain("hint: fill in the documents idse.sarif names");
  expect(r.stdout).not.toContain("named above");
});

test("validate --json --format junit --output is a usage error too (the file got the envelope, not JUnit)", async () => {
  const cwd = tempDir();
  expect((await idse(["init", "shop", "-q"], { cwd })).code).toBe(0);
  const r = await idse(["validate", "--format", "junit", "--output", "junit.xml", "--json"], { cwd });
  expect([r.code, r.json?.diagnostics[0].code]).toEqual([2, "USAGE"]);
});
