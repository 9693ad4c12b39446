import { afterEach, describe, expect, test } from "bun:test";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { IdseError } from "../../src/errors.ts";
import { REDACTED, Redactor } from "../../src/sync/redact.ts";
import { idse } from "../helpers.ts";
import { startServer, type TestServer } from "./server.ts";
import { workspace } from "./util.ts";

// A credential never appears in stdout, stderr, a JSON document or an error message — also when the
// server echoes it back, raw or encoded, in an error body.

const TOKEN = ["sek", "_", "Hq4Lr9Tz2Vx7Nc5B"].join("");
const servers: TestServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

describe("Redactor", () => {
  test("masks registered secrets in every form they may be echoed in", () => {
    const r = new Redactor();
    r.add(TOKEN);
    r.add("abc"); // too short to be a secret: ignored
    const text = `a ${TOKEN} b ${encodeURIComponent(`${TOKEN}/`)} c ${Buffer.from(TOKEN).toString("base64")} abc`;
    const out = r.redact(text);
    expect(out).not.toContain(TOKEN);
    expect(out).not.toContain(Buffer.from(TOKEN).toString("base64"));
    expect(out).toContain("abc");
    expect(out.split(REDACTED)).toHaveLength(4);
  });

  test("masks bearer headers and URL passwords it was never told about", () => {
    const r = new Redactor();
    expect(r.redact("Authorization: Bearer abc.def-123456")).toBe(`Authorization: Bearer ${REDACTED}`);
    expect(r.redact("postgres://app:hunter22@db/x")).toBe(`postgres://app:${REDACTED}@db/x`);
  });

  test("redacts values deeply, and errors with their messages rebuilt", () => {
    const r = new Redactor();
    r.add(TOKEN);
    expect(r.redactValue({ a: [TOKEN, { b: `x${TOKEN}` }], n: 1 })).toEqual({
      a: [REDACTED, { b: `x${REDACTED}` }],
      n: 1,
    });
    const err = r.redactError(new IdseError("REMOTE_ERROR", { remote: "core", reason: `echo ${TOKEN}` }));
    expect(err.message).not.toContain(TOKEN);
    expect(err.code).toBe("REMOTE_ERROR");
    expect(r.redactError(new Error(`boom ${TOKEN}`)).message).not.toContain(TOKEN);
  });
});

describe("no token in any output", () => {
  async function echoing() {
    const server = await startServer({ token: TOKEN });
    servers.push(server);
    const ws = await workspace([], { IDSE_ARTIFACT_TOKEN: TOKEN });
    await ws.run(["remote", "add", "core", server.url]);
    const file = join(ws.cwd, ".idse", "config.json");
    const config = JSON.parse(readFileSync(file, "utf8"));
    Object.assign(config.remotes.core, { retry_base_ms: 1, retries: 1 });
    writeFileSync(file, JSON.stringify(config));
    return { server, ws };
  }
  const clean = (r: { stdout: string; stderr: string }) => {
    const all = r.stdout + r.stderr;
    expect(all).not.toContain(TOKEN);
    expect(all).not.toContain(encodeURIComponent(TOKEN));
    expect(all).not.toContain(Buffer.from(TOKEN).toString("base64"));
  };

  for (const status of [400, 401, 409, 500]) {
    test(`a server that echoes the token in a ${status} answer`, async () => {
      const { server, ws } = await echoing();
      await ws.run(["sync", "push"]); // a base, so later writes are conditional
      ws.write("__blueprint__", "plan", "# changed\n");
      for (const argv of [
        ["sync", "status"],
        ["sync", "push"],
        ["sync", "pull"],
      ]) {
        for (const json of [false, true]) {
          server.faults.push({
            times: Number.POSITIVE_INFINITY,
            method: argv[1] === "push" ? "PUT" : "GET",
            kind: { echoToken: true, status },
          });
          const r = await idse([...argv, ...(json ? ["--json"] : [])], {
            cwd: ws.cwd,
            env: ws.env,
            io: { stderrIsTTY: true }, // verbose: the plugin's retry lines reach stderr too
          });
          server.faults.length = 0;
          clean(r);
          expect(r.stdout + r.stderr).toMatch(status === 409 ? /conflict|changed/i : /error|fail|refused/i);
        }
      }
    });
  }

  test("credentials in a URL are refused without being repeated", async () => {
    const ws = await workspace();
    const url = `https://deploy:${TOKEN}@core.example.com/api`;
    const add = await ws.json(["remote", "add", "core", url]);
    expect(add.code).toBe(2);
    expect(add.json.diagnostics[0].code).toBe("REMOTE_INVALID");
    clean(add);
    ws.env = { IDSE_ARTIFACT_URL: url };
    const st = await ws.json(["sync", "status"]);
    expect(st.json.diagnostics[0].code).toBe("REMOTE_INVALID");
    clean(st);
  });

  test("a token in the repository config is refused without being repeated", async () => {
    const ws = await workspace();
    await ws.run(["remote", "add", "core", "https://core.example.com/api"]);
    const file = join(ws.cwd, ".idse", "config.json");
    const config = JSON.parse(readFileSync(file, "utf8"));
    config.remotes.core.token = TOKEN;
    writeFileSync(file, JSON.stringify(config));
    const r = await ws.json(["sync", "status"]);
    expect(r.json.diagnostics[0]).toMatchObject({ code: "INVALID_CONFIG", key: "remotes.core.token" });
    clean(r);
  });

  test("a corrupt credentials file is reported without quoting it", async () => {
    const { ws } = await echoing();
    ws.env = { XDG_CONFIG_HOME: join(ws.cwd, "cfg") };
    expect((await ws.json(["trust"])).code).toBe(0); // the remote approved in that config directory
    mkdirSync(join(ws.cwd, "cfg", "idse"), { recursive: true });
    writeFileSync(
      join(ws.cwd, "cfg", "idse", "credentials.json"),
      `{"remotes": {"core": {"IDSE_ARTIFACT_TOKEN": ${TOKEN}}}}`,
    );
    const r = await ws.json(["sync", "status"]);
    expect(r.json.diagnostics[0].code).toBe("CORRUPT_FILE");
    clean(r);
  });
});
