import { beforeAll, expect, test } from "bun:test";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tempDir } from "../helpers.ts";
import {
  errorOf,
  expectFail,
  json,
  ok,
  proj,
  requireBinary,
  run,
  STAGE_FILES,
  sess,
  shop,
  snapshot,
} from "./util.ts";

// No silent damage: bytes that are not UTF-8 are refused (INVALID_ENCODING, exit 1, nothing written),
// never stored as U+FFFD; a UTF-8 byte order mark is kept in markdown and accepted in every JSON file.

beforeAll(requireBinary);

const LATIN1 = Buffer.from("# Plan\n\nR\xe9sum\xe9\n", "latin1");
const BOM = "\uFEFF";

test("artifact write refuses Latin-1 bytes from stdin and from --file, naming the byte and line", () => {
  const cwd = shop();
  const before = snapshot(join(cwd, ".idse"));
  const piped = json(["artifact", "write", "--stage", "plan"], { cwd, stdin: LATIN1 });
  expectFail(piped, 1, "INVALID_ENCODING");
  expect(errorOf(piped)).toMatchObject({ file: "standard input", offset: 9, line: 3, byte: "0xe9" });
  expect(errorOf(piped).hint).toContain("iconv");

  writeFileSync(join(cwd, "plan.md"), LATIN1);
  const fromFile = run(["artifact", "write", "--stage", "plan", "--file", "plan.md"], { cwd });
  expectFail(fromFile, 1, "INVALID_ENCODING");
  expect(fromFile.stderr).toContain("plan.md is not UTF-8 text: byte 9 (0xe9, line 3)");
  expect(snapshot(join(cwd, ".idse"))).toEqual(before);
});

test("a byte order mark is kept in markdown, byte for byte, and validation only warns about it", () => {
  const cwd = shop();
  const text = `${BOM}# Plan\n\nRésumé ✓\n`;
  ok(["artifact", "write", "--stage", "plan"], { cwd, stdin: text });
  const file = sess(cwd, "shop", "__blueprint__", STAGE_FILES.plan);
  expect(readFileSync(file)).toEqual(Buffer.from(text, "utf8"));
  expect(json(["artifact", "read", "--stage", "plan"], { cwd }).env.data.content).toBe(text);

  // The mark changes no finding but a warning that names it: the same document without it gets the rest.
  type F = { rule_id: string; line: number; message: string; severity: string };
  const findings = () =>
    json(["validate", "--stage", "plan"], { cwd })
      .env.data.reports.flatMap((r: { findings: F[] }) => r.findings)
      .map((f: F) => [f.rule_id, f.severity, f.line, f.message]);
  const [mark, ...rest] = findings();
  expect(mark).toEqual(["idse/parse", "warning", 1, "the file starts with a byte-order mark"]);
  ok(["artifact", "write", "--stage", "plan"], { cwd, stdin: text.slice(1) });
  expect(rest).toEqual(findings());
  expect(rest.length).toBeGreaterThan(0);
});

test("JSON files with a byte order mark are read, not called corrupt", () => {
  const cwd = shop();
  const home = tempDir("idse-home-");
  const bom = (file: string) => writeFileSync(file, BOM + readFileSync(file, "utf8"));
  ok(["config", "set", "stack", "go"], { cwd });
  bom(join(cwd, ".idse", "config.json"));
  bom(proj(cwd, "shop", "session_state.json"));
  bom(proj(cwd, "shop", "agent_registry.json"));
  bom(sess(cwd, "shop", "__blueprint__", "metadata", "session.json"));
  writeFileSync(join(cwd, ".idse", "plugins.json"), `${BOM}{"plugins": []}\n`);
  writeFileSync(join(home, ".idseconfig.json"), `${BOM}{"owner": "ana"}\n`);
  const env = { HOME: home };
  const list = ok(["config", "list", "--json"], { cwd, env });
  expect(JSON.stringify(list.env.data)).toContain('"go"');
  expect(JSON.stringify(list.env.data)).toContain('"ana"');
  ok(["status", "--json"], { cwd, env });
  ok(["sessions", "--json"], { cwd, env });
  ok(["plugin", "list", "--json"], { cwd, env });
  const doctor = ok(["doctor", "--json"], { cwd, env });
  expect(doctor.env.data.findings).toEqual([]);
});
