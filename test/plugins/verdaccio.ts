import { type ChildProcess, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REPO } from "../helpers.ts";
import { type Files, tgz } from "./fixtures.ts";

// A real private registry for tests: verdaccio (the npm package), started on 127.0.0.1 with htpasswd
// users, scoped packages that need a login and a token issued the way `npm login` gets one. It runs on
// Node (verdaccio's own runtime), as a child process, and is stopped by the caller.

export interface Verdaccio {
  url: string;
  /** A bearer token for `user`, issued by verdaccio's login endpoint. */
  token: string;
  user: string;
  password: string;
  publish(name: string, version: string, files: Files): Promise<void>;
  stop(): void;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as { port: number }).port;
  await new Promise((r) => server.close(r));
  return port;
}

export async function startVerdaccio(): Promise<Verdaccio> {
  // Not tempDir(): those are removed after every test, and the registry lives for the whole file.
  const dir = realpathSync(mkdtempSync(join(tmpdir(), "idse-verdaccio-")));
  const user = "ci-bot";
  const password = "p@ss:word/1";
  const sha = createHash("sha1").update(password).digest("base64");
  writeFileSync(join(dir, "htpasswd"), `${user}:{SHA}${sha}:autocreated 2026-01-01T00:00:00.000Z\n`);
  const port = await freePort();
  writeFileSync(
    join(dir, "config.yaml"),
    [
      `storage: ${join(dir, "storage")}`,
      "auth:",
      "  htpasswd:",
      `    file: ${join(dir, "htpasswd")}`,
      "    max_users: -1",
      "uplinks: {}",
      "packages:",
      "  '@acme/*':",
      "    access: $authenticated",
      "    publish: $authenticated",
      "  '**':",
      "    access: $all",
      "    publish: $authenticated",
      "log: { type: stdout, format: json, level: warn }",
      "",
    ].join("\n"),
  );
  const child: ChildProcess = spawn(
    "node",
    [
      join(REPO, "node_modules/verdaccio/bin/verdaccio"),
      "--config",
      join(dir, "config.yaml"),
      "--listen",
      `127.0.0.1:${port}`,
    ],
    { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, NODE_ENV: "production" } },
  );
  let output = "";
  child.stdout?.on("data", (b) => {
    output += b;
  });
  child.stderr?.on("data", (b) => {
    output += b;
  });
  const url = `http://127.0.0.1:${port}/`;
  // Start-up takes a second or two on a quiet machine; a busy one gets a generous minute.
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`verdaccio exited: ${output}`);
    try {
      if ((await fetch(`${url}-/ping`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`verdaccio did not start: ${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const basic = `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;
  // What `npm login` does: PUT the user document, get a token back.
  const login = await fetch(`${url}-/user/org.couchdb.user:${user}`, {
    method: "PUT",
    headers: { "content-type": "application/json", authorization: basic },
    body: JSON.stringify({ name: user, password }),
  });
  const token = ((await login.json()) as { token?: string }).token;
  if (!token) throw new Error(`verdaccio issued no token (${login.status})`);
  return {
    url,
    token,
    user,
    password,
    async publish(name, version, files) {
      const bytes = await tgz(files);
      const base = name.split("/").pop();
      const file = `${base}-${version}.tgz`;
      const doc = {
        _id: name,
        name,
        "dist-tags": { latest: version },
        versions: {
          [version]: {
            name,
            version,
            dist: {
              tarball: `${url}${name}/-/${file}`,
              shasum: createHash("sha1").update(bytes).digest("hex"),
              integrity: `sha512-${createHash("sha512").update(bytes).digest("base64")}`,
            },
          },
        },
        _attachments: {
          [file]: {
            content_type: "application/octet-stream",
            data: Buffer.from(bytes).toString("base64"),
            length: bytes.length,
          },
        },
      };
      const r = await fetch(`${url}${name.replace("/", "%2f")}`, {
        method: "PUT",
        headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
        body: JSON.stringify(doc),
      });
      if (!r.ok) throw new Error(`publish ${name}@${version}: ${r.status} ${await r.text()}`);
    },
    stop() {
      child.kill("SIGTERM");
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
