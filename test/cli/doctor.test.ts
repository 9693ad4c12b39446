import { expect, test } from "bun:test";
import { readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { idse, tempDir } from "../helpers.ts";

test("corrupt state files are named by readers and rebuilt by doctor --fix without touching artifacts", async () => {
  const cwd = tempDir();
  await idse(["init", "shop"], { cwd });
  await idse(["session", "create", "auth"], { cwd });
  const p = join(cwd, ".idse/projects/shop");
  const spec = join(p, "sessions/auth/specs/spec.md");
  writeFileSync(spec, "# my spec\nprecious text\n");
  writeFileSync(join(p, "session_state.json"), "{ truncated");
  writeFileSync(join(p, "agent_registry.json"), '{"agents": "none"}');
  writeFileSync(
    join(p, "sessions/auth/metadata/session.json"),
    '{"session_id":"auth","owner":"ana","status":"bogus"}',
  );
  rmSync(join(p, "sessions/auth/plans/plan.md"));

  const status = await idse(["status", "--json"], { cwd });
  expect(status.code).toBe(1);
  expect(status.json?.diagnostics[0]).toMatchObject({
    code: "CORRUPT_FILE",
    file: ".idse/projects/shop/session_state.json",
  });
  const sessions = await idse(["sessions"], { cwd });
  expect(sessions.stderr).toStartWith(
    "error[CORRUPT_FILE]: .idse/projects/shop/sessions/auth/metadata/session.json is corrupt: ",
  );

  const check = await idse(["doctor", "--json"], { cwd });
  expect(check.code).toBe(1);
  expect(check.json?.data.remaining).toBeGreaterThanOrEqual(4);

  const fix = await idse(["doctor", "--fix", "--json"], { cwd });
  expect(fix.code).toBe(0);
  expect(fix.json?.data.remaining).toBe(0);
  expect(readFileSync(spec, "utf8")).toBe("# my spec\nprecious text\n");
  expect(readFileSync(join(p, "sessions/auth/plans/plan.md"), "utf8")).toContain("# Plan");
  const meta = JSON.parse(readFileSync(join(p, "sessions/auth/metadata/session.json"), "utf8"));
  expect([meta.owner, meta.status, meta.session_type]).toEqual(["ana", "draft", "feature"]);
  expect(readdirSync(p).some((f) => f.startsWith("session_state.json.corrupt-"))).toBe(true);
  expect((await idse(["status", "--json"], { cwd })).json?.data.session).toBe("auth");
  expect((await idse(["doctor"], { cwd })).code).toBe(0);
});

test("a state file that cannot be read is IO_ERROR, not corrupt: --fix moves nothing aside", async () => {
  const { createFilesystemStore } = await import("../../src/store/fs.ts");
  const cwd = tempDir();
  expect((await idse(["init", "shop", "-q"], { cwd })).code).toBe(0);
  const fs = createFilesystemStore(join(cwd, ".idse"));
  // As a chmod 000 file reads for a user who is not its owner (the suite may run as root, which reads it).
  const store = {
    ...fs,
    async read(key: string) {
      if (key.endsWith("metadata/session.json")) {
        const err = new Error(`EACCES: permission denied, open '${key}'`) as NodeJS.ErrnoException;
        Object.assign(err, { code: "EACCES", syscall: "open", path: join(cwd, ".idse", key) });
        throw err;
      }
      return fs.read(key);
    },
  };
  for (const argv of [["doctor"], ["doctor", "--fix"]]) {
    const r = await idse([...argv, "--json"], { cwd, io: { store } });
    expect([argv, r.code, r.json?.diagnostics[0]?.code]).toEqual([argv, 1, "IO_ERROR"]);
  }
  const meta = join(cwd, ".idse/projects/shop/sessions/__blueprint__/metadata");
  expect(readdirSync(meta).filter((f) => f.includes("corrupt"))).toEqual([]);
});

test("several projects and a CURRENT_PROJECT naming none: doctor reports it, and names `idse project use`", async () => {
  const cwd = tempDir();
  expect((await idse(["init", "shop", "-q"], { cwd })).code).toBe(0);
  expect((await idse(["init", "admin", "-q"], { cwd })).code).toBe(0);
  writeFileSync(join(cwd, ".idse/projects/CURRENT_PROJECT"), "junk\n");
  const r = await idse(["doctor", "--json"], { cwd });
  expect(r.code).toBe(1);
  expect(r.json?.data.findings).toContainEqual(
    expect.objectContaining({ file: ".idse/projects/CURRENT_PROJECT", code: "NO_PROJECT", fixed: false }),
  );
  const text = await idse(["doctor", "--fix"], { cwd });
  expect(text.stdout).toContain("idse project use <project>");
  expect(text.stdout).not.toContain("Run `idse doctor --fix` to repair them.");
  expect((await idse(["project", "use", "shop"], { cwd })).code).toBe(0);
  expect((await idse(["doctor"], { cwd })).code).toBe(0);
});
