import { expect } from "bun:test";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { idse, tempDir } from "../../helpers.ts";
import type { StoreCase } from "./suite.ts";

// The whole CLI, in-process, with the store under test in place of the workspace's filesystem store.

export const CLI_CASES: StoreCase[] = [
  {
    id: "cli",
    title: "the CLI runs a project through the store: init, sessions, artifacts, stages, status",
    async run({ open }) {
      const store = await open();
      const cwd = tempDir();
      const run = (argv: string[], stdin?: string) => idse(argv, { cwd, io: { store }, stdin });
      const init = await run(["init", "shop", "--no-create-agent-files"]);
      expect(init.code, init.stderr).toBe(0);
      expect((await run(["session", "create", "auth"])).code).toBe(0);
      const intent = "# Intent\n\nLet people sign in — with passkeys 🔑.\n";
      expect((await run(["artifact", "write", "--stage", "intent"], intent)).code).toBe(0);
      expect((await run(["artifact", "read", "--stage", "intent"])).stdout).toBe(intent);
      const set = await run(["session", "set-stage", "auth", "--stage", "intent", "--status", "completed"]);
      expect(set.code).toBe(0);
      const sessions = await run(["sessions", "--json"]);
      expect(sessions.json?.data.sessions.map((x: { session_id: string }) => x.session_id)).toEqual([
        "__blueprint__",
        "auth",
      ]);
      const status = await run(["status", "--json"]);
      expect(status.code).toBe(0);
      expect(status.json?.data).toMatchObject({ project: "shop", session: "auth" });
      expect(JSON.stringify(status.json?.data)).toContain('"intent"');
      expect(await store.read("projects/shop/sessions/auth/intents/intent.md")).toBe(intent);
      // Nothing of the project reached the disk: it all went through the store.
      if (store.kind !== "filesystem") expect(existsSync(join(cwd, ".idse/projects"))).toBe(false);
    },
  },
];
