import { describe, expect, test } from "bun:test";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { STAGES } from "../../src/store/layout.ts";
import { tempDir } from "../helpers.ts";
import { randomString } from "./corpus.ts";
import { outcomes, PROJECT, remoteArtifacts, remoteFile, workspace, wsAt } from "./util.ts";

// The engine against a filesystem remote, through the CLI in-process: the three-way plan, push and pull,
// conflicts, deletions, the Spine doctrine, dry runs, and what the sync base records.

async function withRemote(sessions: string[] = []) {
  const ws = await workspace(sessions);
  const remote = join(tempDir("idse-remote-"), "store");
  expect((await ws.run(["remote", "add", "backup", remote])).code).toBe(0);
  return { ws, remote };
}

const state = (cwd: string) =>
  JSON.parse(readFileSync(join(cwd, ".idse", "projects", PROJECT, "sync", "backup.json"), "utf8"));
const sessionState = (cwd: string) =>
  JSON.parse(readFileSync(join(cwd, ".idse", "projects", PROJECT, "session_state.json"), "utf8"));

describe("push then pull is the identity", () => {
  for (const seed of [1, 2, 3]) {
    test(`random edits on either side arrive byte for byte (seed ${seed})`, async () => {
      const { ws: a, remote } = await withRemote(["auth", "billing"]);
      expect((await a.run(["sync", "push", "--all-sessions"])).code).toBe(0);
      // B: a clone of A (artifacts and sync base), as a teammate's checkout would be.
      const b = wsAt(tempDir("idse-clone-"));
      cpSync(join(a.cwd, ".idse"), join(b.cwd, ".idse"), { recursive: true });
      for (const [writer, reader] of [
        [a, b],
        [b, a],
      ] as const) {
        let n = 0;
        for (const session of ["__blueprint__", "auth", "billing"]) {
          for (const stage of STAGES) {
            if ((seed * 7 + n++) % 3 !== 0) continue;
            writer.write(
              session,
              stage,
              `# ${stage}\n\n${randomString("abc xyz\n", 200, seed * 100 + n)}\nünïcødé ✓\r\n`,
            );
          }
        }
        expect(
          (await writer.run(["spawn", "--plan", "feature", `new-${seed}-${writer === a ? "a" : "b"}`])).code,
        ).toBe(0);
        const pushed = await writer.json(["sync", "push", "--all-sessions"]);
        expect(pushed.code).toBe(0);
        expect(pushed.json.data.moved).toBeGreaterThan(0);
        const pulled = await reader.json(["sync", "pull", "--all-sessions"]);
        expect(pulled.code, pulled.stdout).toBe(0);
        expect(reader.artifacts()).toEqual(writer.artifacts());
        expect(remoteArtifacts(remote)).toEqual(writer.artifacts());
        // Pulling again, or pushing back, moves nothing.
        for (const side of [a, b]) {
          const st = await side.json(["sync", "status", "--all-sessions"]);
          expect(st.json.data.entries).toEqual([]);
        }
        expect((await writer.json(["sync", "pull", "--all-sessions"])).json.data.moved).toBe(0);
      }
      // The session the remote brought exists locally, with metadata, and `sessions` lists it.
      const listed = await b.json(["sessions"]);
      expect(listed.json.data.sessions.map((s: { session_id: string }) => s.session_id)).toContain(
        `new-${seed}-a`,
      );
    });
  }
});

describe("conflicts", () => {
  async function conflicted() {
    const { ws, remote } = await withRemote();
    await ws.run(["sync", "push"]);
    ws.write("__blueprint__", "plan", "# Plan\n\nlocal edit\n");
    writeFileSync(remoteFile(remote, "__blueprint__", "plan"), "# Plan\n\nremote edit\n");
    return { ws, remote };
  }

  test("status reports the conflict and exits 1", async () => {
    const { ws } = await conflicted();
    const st = await ws.json(["sync", "status"]);
    expect(st.code).toBe(1);
    expect(st.json.data.counts.conflict).toBe(1);
    expect(st.json.data.entries).toMatchObject([{ stage: "plan", action: "conflict" }]);
  });

  test("push overwrites nothing; pull keeps the local text and writes the remote one beside it", async () => {
    const { ws, remote } = await conflicted();
    const push = await ws.json(["sync", "push"]);
    expect(push.code).toBe(1);
    expect(outcomes(push)).toEqual({ "__blueprint__/plan": "conflict" });
    expect(push.json.diagnostics.map((d: { code: string }) => d.code)).toEqual(["SYNC_CONFLICT"]);
    expect(readFileSync(remoteFile(remote, "__blueprint__", "plan"), "utf8")).toBe("# Plan\n\nremote edit\n");

    const pull = await ws.json(["sync", "pull"]);
    expect(pull.code).toBe(1);
    expect(outcomes(pull)).toEqual({ "__blueprint__/plan": "conflict" });
    expect(ws.read("__blueprint__", "plan")).toBe("# Plan\n\nlocal edit\n");
    const beside = ws.path("__blueprint__", "plan").replace(/plan\.md$/, "plan.remote.md");
    expect(readFileSync(beside, "utf8")).toBe("# Plan\n\nremote edit\n");
    expect(pull.json.data.results[0].kept).toBe(
      ".idse/projects/shop/sessions/__blueprint__/plans/plan.remote.md",
    );

    // Still a conflict while the copy is there; once merged and the copy deleted, a plain push sends it.
    expect((await ws.json(["sync", "push"])).code).toBe(1);
    ws.write("__blueprint__", "plan", "# Plan\n\nlocal edit\nremote edit\n");
    rmSync(beside);
    const merged = await ws.json(["sync", "push"]);
    expect(merged.code, merged.stdout).toBe(0);
    expect(outcomes(merged)).toEqual({ "__blueprint__/plan": "pushed" });
    expect(readFileSync(remoteFile(remote, "__blueprint__", "plan"), "utf8")).toBe(
      "# Plan\n\nlocal edit\nremote edit\n",
    );
  });

  test("--force takes one side on purpose", async () => {
    const { ws, remote } = await conflicted();
    const pushed = await ws.json(["sync", "push", "--force"]);
    expect(outcomes(pushed)).toEqual({ "__blueprint__/plan": "pushed" });
    expect(readFileSync(remoteFile(remote, "__blueprint__", "plan"), "utf8")).toBe("# Plan\n\nlocal edit\n");

    writeFileSync(remoteFile(remote, "__blueprint__", "plan"), "# Plan\n\nremote again\n");
    ws.write("__blueprint__", "plan", "# Plan\n\nlocal again\n");
    const pulled = await ws.json(["sync", "pull", "--force"]);
    expect(outcomes(pulled)).toEqual({ "__blueprint__/plan": "pulled" });
    expect(ws.read("__blueprint__", "plan")).toBe("# Plan\n\nremote again\n");
    expect(existsSync(ws.path("__blueprint__", "plan").replace("plan.md", "plan.remote.md"))).toBe(false);
  });

  test("the same edit made on both sides is no conflict", async () => {
    const { ws, remote } = await withRemote();
    await ws.run(["sync", "push"]);
    ws.write("__blueprint__", "tasks", "# same\n");
    writeFileSync(remoteFile(remote, "__blueprint__", "tasks"), "# same\n");
    expect((await ws.json(["sync", "status"])).json.data.counts).toMatchObject({ unchanged: 7, conflict: 0 });
  });
});

describe("deletions", () => {
  test("a local deletion is held back without --yes, then removed on the remote", async () => {
    const { ws, remote } = await withRemote();
    await ws.run(["sync", "push"]);
    ws.remove("__blueprint__", "feedback");
    const st = await ws.json(["sync", "status"]);
    expect(st.json.data.entries).toMatchObject([{ action: "deleted", deleted_on: "local" }]);
    const held = await ws.json(["sync", "push"]);
    expect(held.code).toBe(1);
    expect(outcomes(held)).toEqual({ "__blueprint__/feedback": "held" });
    expect(held.json.diagnostics[0].code).toBe("DELETION_HELD");
    expect(existsSync(remoteFile(remote, "__blueprint__", "feedback"))).toBe(true);
    const done = await ws.json(["sync", "push", "--yes"]);
    expect(outcomes(done)).toEqual({ "__blueprint__/feedback": "removed" });
    expect(existsSync(remoteFile(remote, "__blueprint__", "feedback"))).toBe(false);
    expect(
      state(ws.cwd).artifacts["projects/shop/sessions/__blueprint__/feedback/feedback.md"],
    ).toBeUndefined();
    expect((await ws.json(["sync", "status"])).json.data.entries).toEqual([]);
  });

  test("a remote deletion reaches the workspace only with --yes; pull --force restores instead", async () => {
    const { ws, remote } = await withRemote();
    await ws.run(["sync", "push"]);
    rmSync(remoteFile(remote, "__blueprint__", "context"));
    expect(outcomes(await ws.json(["sync", "pull"]))).toEqual({ "__blueprint__/context": "held" });
    expect(ws.read("__blueprint__", "context")).toBeDefined();
    const pushBack = await ws.json(["sync", "push", "--force"]);
    expect(outcomes(pushBack)).toEqual({ "__blueprint__/context": "pushed" });
    rmSync(remoteFile(remote, "__blueprint__", "context"));
    expect(outcomes(await ws.json(["sync", "pull", "--yes"]))).toEqual({
      "__blueprint__/context": "removed",
    });
    expect(ws.read("__blueprint__", "context")).toBeUndefined();
  });

  test("an edit against a deletion is a conflict", async () => {
    const { ws, remote } = await withRemote();
    await ws.run(["sync", "push"]);
    ws.write("__blueprint__", "intent", "# edited\n");
    rmSync(remoteFile(remote, "__blueprint__", "intent"));
    expect((await ws.json(["sync", "status"])).json.data.entries).toMatchObject([{ action: "conflict" }]);
  });
});

describe("Spine doctrine", () => {
  const spec = (rows: string, overview = "Overview.") =>
    `# Spec\n\n## Overview\n\n${overview}\n\n## 4. Product Spine Table\n\n| # | Primitive | Milestone |\n|---|---|---|\n${rows}\n\n## 5. Next\n\ntext\n`;

  test("a pull that changes the Product Spine table is held back unless --accept-spine", async () => {
    const { ws, remote } = await withRemote();
    ws.write("__blueprint__", "spec", spec("| 1 | SessionGraph | Concept |"));
    await ws.run(["sync", "push"]);
    const remoteSpec = remoteFile(remote, "__blueprint__", "spec");

    // An edit outside the table comes through.
    writeFileSync(remoteSpec, spec("| 1 | SessionGraph | Concept |", "Better overview."));
    expect(outcomes(await ws.json(["sync", "pull"]))).toEqual({ "__blueprint__/spec": "pulled" });

    writeFileSync(remoteSpec, spec("| 1 | SessionGraph | Shipped |", "Better overview."));
    const held = await ws.json(["sync", "pull"]);
    expect(held.code).toBe(1);
    expect(outcomes(held)).toEqual({ "__blueprint__/spec": "held" });
    expect(held.json.diagnostics[0].code).toBe("SPINE_CHANGE_HELD");
    expect(ws.read("__blueprint__", "spec")).toContain("| 1 | SessionGraph | Concept |");
    expect((await ws.json(["sync", "pull", "--dry-run"])).json.data.results[0].outcome).toBe("held");

    const taken = await ws.json(["sync", "pull", "--accept-spine"]);
    expect(outcomes(taken)).toEqual({ "__blueprint__/spec": "pulled" });
    expect(ws.read("__blueprint__", "spec")).toContain("| 1 | SessionGraph | Shipped |");
  });

  test("a feature session's spec is no Spine", async () => {
    const { ws, remote } = await withRemote(["auth"]);
    await ws.run(["sync", "push", "--session", "auth"]);
    writeFileSync(remoteFile(remote, "auth", "spec"), spec("| 1 | X | Shipped |"));
    expect(outcomes(await ws.json(["sync", "pull", "--session", "auth"]))).toEqual({ "auth/spec": "pulled" });
  });
});

describe("dry run, scope and the sync base", () => {
  test("--dry-run writes nothing anywhere and shows what would move", async () => {
    const { ws, remote } = await withRemote(["auth"]);
    const before = ws.artifacts();
    const dry = await ws.json(["sync", "push", "--all-sessions", "--dry-run"]);
    expect(dry.code).toBe(0);
    expect(dry.json.data.dry_run).toBe(true);
    expect(dry.json.data.moved).toBe(14);
    expect(new Set(dry.json.data.results.map((r: { outcome: string }) => r.outcome))).toEqual(
      new Set(["planned"]),
    );
    expect(existsSync(remote)).toBe(false);
    expect(existsSync(join(ws.cwd, ".idse", "projects", PROJECT, "sync"))).toBe(false);
    expect(ws.artifacts()).toEqual(before);
    expect(sessionState(ws.cwd).last_sync).toBeNull();
  });

  test("the default scope is the current session; --session and --all-sessions exclude each other", async () => {
    const { ws, remote } = await withRemote(["auth"]);
    await ws.run(["session", "switch", "auth"]);
    const push = await ws.json(["sync", "push"]);
    expect(push.json.data.scope).toBe("auth");
    expect(Object.keys(remoteArtifacts(remote)).every((k) => k.startsWith("auth/"))).toBe(true);
    expect((await ws.json(["sync", "push", "--session", "auth", "--all-sessions"])).code).toBe(2);
    expect((await ws.json(["sync", "push", "--session", "ghost"])).json.diagnostics[0].code).toBe(
      "SESSION_NOT_FOUND",
    );
  });

  test("last_sync and the base move only for what succeeded", async () => {
    const { ws, remote } = await withRemote();
    const secret = ["gh", "p_", randomString("abcdefghijklmnopqrstuvwxyz0123456789", 36, 5)].join("");
    ws.write("__blueprint__", "plan", `# Plan\n\nuse ${secret}\n`);
    const push = await ws.json(["sync", "push"]);
    expect(push.code).toBe(1);
    expect(push.json.data.failed).toBe(1);
    expect(push.json.data.last_sync).toBeNull();
    expect(sessionState(ws.cwd).last_sync).toBeNull();
    const base = state(ws.cwd);
    expect(base.last_sync).toBeNull();
    expect(Object.keys(base.artifacts)).toHaveLength(6);
    expect(base.artifacts["projects/shop/sessions/__blueprint__/plans/plan.md"]).toBeUndefined();
    expect(remoteArtifacts(remote)["__blueprint__/plans/plan.md"]).toBeUndefined();

    ws.write("__blueprint__", "plan", "# Plan\n\nclean\n");
    const ok = await ws.json(["sync", "push"]);
    expect(ok.code).toBe(0);
    expect(ok.json.data.last_sync).toBe(sessionState(ws.cwd).last_sync);
    expect(state(ws.cwd).last_sync).toBe(ok.json.data.last_sync);
    expect((await ws.json(["status"])).json.data.last_sync).toBe(ok.json.data.last_sync);
  });

  test("a push interrupted at any point and run again ends with no duplicate and no loss", async () => {
    // A push killed midway leaves the remote holding some of the documents and no new sync base (it is
    // written last). Every such state, run again, must end with the remote equal to the workspace.
    const { ws } = await withRemote(["auth"]);
    for (const session of ["__blueprint__", "auth"]) ws.write(session, "spec", `# ${session} spec\n`);
    const files = Object.keys(ws.artifacts()).sort();
    for (let k = 0; k <= files.length; k += 3) {
      const trial = wsAt(tempDir("idse-trial-"));
      cpSync(join(ws.cwd, ".idse"), join(trial.cwd, ".idse"), { recursive: true });
      const dir = join(tempDir("idse-partial-"), "store");
      for (const f of files.slice(0, k)) {
        const target = join(dir, "projects", PROJECT, "sessions", f);
        mkdirSync(dirname(target), { recursive: true });
        writeFileSync(target, trial.artifacts()[f]!);
      }
      const configFile = join(trial.cwd, ".idse", "config.json");
      const config = JSON.parse(readFileSync(configFile, "utf8"));
      config.remotes.backup.path = dir;
      writeFileSync(configFile, JSON.stringify(config));
      const again = await trial.json(["sync", "push", "--all-sessions"]);
      expect(again.code, again.stdout).toBe(0);
      expect(again.json.data.moved).toBe(files.length - k);
      expect(remoteArtifacts(dir)).toEqual(trial.artifacts());
      expect(readdirSync(join(dir, "projects", PROJECT, "sessions")).sort()).toEqual([
        "__blueprint__",
        "auth",
      ]);
      expect((await trial.json(["sync", "status", "--all-sessions"])).json.data.entries).toEqual([]);
    }
  });
});
