import { beforeAll, expect, test } from "bun:test";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tempDir } from "../helpers.ts";
import { json, ok, requireBinary, run } from "./util.ts";

// Standard output is idse's, on the compiled binary: a store plugin that prints with console.log and
// process.stdout.write, when it loads and when it reads, does not break `--json`'s one document, the MCP
// server's protocol lines or the hook's answer; what it prints goes to standard error.

beforeAll(requireBinary);

const CODE = `console.log("LOUD module"); process.stdout.write('{"forged":1}\\n');
const docs = new Map();
export default () => ({ kind: "store", async createStore() {
  console.log("LOUD factory"); console.info("LOUD info");
  return { kind: "m", location: "m",
    read: async (k) => { process.stdout.write('{"jsonrpc":"2.0","id":1,"result":{}}\\n'); return docs.get(k); },
    write: async (k, v) => { console.log("LOUD write"); docs.set(k, v); },
    has: async (k) => docs.has(k), remove: async (k) => { docs.delete(k); },
    list: async () => [...docs.keys()].map((name) => ({ name, kind: "file" })) };
} });
`;

function loudStore() {
  const cwd = tempDir();
  const env = { HOME: tempDir("idse-home-") };
  ok(["init", "shop", "--no-create-agent-files"], { cwd, env });
  const src = join(tempDir("idse-plugin-src-"), "loud-store");
  mkdirSync(src, { recursive: true });
  writeFileSync(
    join(src, "package.json"),
    JSON.stringify({
      name: "loud-store",
      version: "1.0.0",
      type: "module",
      idse: { name: "loud-store", kind: "store", apiVersion: 1, entry: "index.js", capabilities: [] },
    }),
  );
  writeFileSync(join(src, "index.js"), CODE);
  // `plugin add` loads it too: its stdout stays one document.
  json(["plugin", "add", src, "--yes"], { cwd, env });
  writeFileSync(join(cwd, ".idse", "config.json"), JSON.stringify({ store: { plugin: "loud-store" } }));
  return { cwd, env };
}

test("--json stays one document; the plugin's lines go to stderr", () => {
  const x = loudStore();
  for (const argv of [["status"], ["sessions"], ["validate"]]) {
    const r = json(argv, x); // run() checks that stdout is exactly one envelope
    expect(r.stdout).not.toContain("LOUD");
    expect(r.stderr).toContain("LOUD module");
    expect(r.stderr).toContain("LOUD factory");
  }
});

test("the MCP server's stdout holds only its own protocol lines", () => {
  const x = loudStore();
  const lines = [
    {
      jsonrpc: "2.0",
      id: 1,
      method: "initialize",
      params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "t", version: "1" } },
    },
    { jsonrpc: "2.0", method: "notifications/initialized" },
    { jsonrpc: "2.0", id: 2, method: "tools/call", params: { name: "status", arguments: {} } },
  ];
  const r = run(["mcp"], { ...x, stdin: `${lines.map((l) => JSON.stringify(l)).join("\n")}\n` });
  const out = r.stdout
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l));
  expect(out.map((m) => m.id)).toEqual([1, 2]);
  expect(r.stderr).toContain("LOUD");
});

test("the hook's answer is all of its stdout", () => {
  const x = loudStore();
  const input = JSON.stringify({
    session_id: "s",
    transcript_path: "/dev/null",
    cwd: x.cwd,
    hook_event_name: "PreToolUse",
    tool_name: "Write",
    tool_input: { file_path: join(x.cwd, "src", "app.py"), content: "x" },
  });
  const r = run(["hook", "claude-pre-tool-use"], { cwd: x.cwd, env: x.env, stdin: input });
  expect(r.stdout).not.toContain("LOUD");
  expect(r.stdout).not.toContain("forged");
  // The store holds no project, so the hook cannot read its state: it denies, in one JSON answer.
  expect(JSON.parse(r.stdout).hookSpecificOutput.permissionDecision).toBe("deny");
});
