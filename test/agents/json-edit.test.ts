import { describe, expect, test } from "bun:test";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { setJsonValue } from "../../src/json-edit.ts";
import { idse, tempDir } from "../helpers.ts";

// idse edits the user's JSON files (.claude/settings.json, .mcp.json) by changing its own entry and
// leaving every other byte (src/json-edit.ts): a JSON.parse/JSON.stringify round trip rounded a large id,
// turned 1e400 into null and dropped a duplicated key (an attacker review found it).

const USERS = `{
  "bigId": 12345678901234567890,
  "huge": 1e400,
  "dup": 1,
  "dup": 2,
  "permissions": { "allow": ["Bash(ls)"] }
}
`;

describe("setJsonValue", () => {
  test("sets one value; the rest of the text is byte for byte what it was", () => {
    const out = setJsonValue(USERS, ["hooks", "PreToolUse"], [{ matcher: "Edit" }], "settings.json");
    expect(JSON.parse(out).hooks.PreToolUse).toEqual([{ matcher: "Edit" }]);
    for (const kept of ['"bigId": 12345678901234567890', '"huge": 1e400', '"dup": 1,', '"dup": 2,'])
      expect(out).toContain(kept);
    expect(setJsonValue(out, ["hooks", "PreToolUse"], [{ matcher: "Edit" }], "f")).toBe(out);
  });

  test("refuses to rewrite a value JSON.parse cannot read exactly", () => {
    const bad = [
      '{"hooks": {"PreToolUse": [{"n": 1e400}]}}',
      '{"hooks": {"PreToolUse": [{"n": 9007199254740993}]}}',
      '{"hooks": {"PreToolUse": [{"a": 1, "a": 2}]}}',
    ];
    for (const text of bad)
      expect(() => setJsonValue(text, ["hooks", "PreToolUse"], [], "settings.json")).toThrow(
        expect.objectContaining({ code: "INVALID_FILE" }),
      );
  });
});

describe("agents install-hooks and install-mcp keep the user's file", () => {
  test("every key of the user's own stays exactly as written", async () => {
    const cwd = tempDir();
    expect((await idse(["init", "shop", "-q"], { cwd })).code).toBe(0);
    mkdirSync(join(cwd, ".claude"));
    writeFileSync(join(cwd, ".claude", "settings.json"), USERS);
    writeFileSync(join(cwd, ".mcp.json"), USERS);
    expect((await idse(["agents", "install-hooks", "--command", "idse"], { cwd })).code).toBe(0);
    expect((await idse(["agents", "install-mcp", "--ide", "claude-code"], { cwd })).code).toBe(0);
    for (const file of [".claude/settings.json", ".mcp.json"]) {
      const text = readFileSync(join(cwd, file), "utf8");
      for (const kept of ['"bigId": 12345678901234567890', '"huge": 1e400', '"dup": 1,', '"dup": 2,'])
        expect({ file, kept: text.includes(kept) }).toEqual({ file, kept: true });
    }
    const settings = readFileSync(join(cwd, ".claude", "settings.json"), "utf8");
    expect(settings).toContain("idse hook claude-pre-tool-use");
    expect(readFileSync(join(cwd, ".mcp.json"), "utf8")).toContain('"mcpServers"');
  });
});
