import { expect } from "bun:test";
import { defaultRegistry, readRegistry, writeRegistry } from "../../../src/agent-registry.ts";
import { readArtifact, writeArtifact } from "../../../src/artifacts.ts";
import { BLUEPRINT } from "../../../src/ids.ts";
import {
  createSession,
  readAllSessions,
  readCurrentSession,
  readSession,
  updateSession,
} from "../../../src/session-graph.ts";
import {
  pendingStages,
  pointStateAt,
  readProjectState,
  readSessionStages,
  writeSessionStages,
} from "../../../src/stage-state.ts";
import type { DesignStore } from "../../../src/store/contract.ts";
import { keys, STAGES } from "../../../src/store/layout.ts";
import { listProjects, projectExists } from "../../../src/workspace.ts";
import type { StoreCase } from "./suite.ts";

// The documents of a workspace, written and read through the store by idse's own primitives.

const P = "shop";
const T0 = "2026-03-01T10:00:00.000Z";
const T1 = "2026-03-02T11:30:00.000Z";

async function seed(s: DesignStore, ...sessions: string[]): Promise<void> {
  const base = { owner: "alice", description: null, stack: "typescript", now: T0 };
  await createSession(s, P, { ...base, id: BLUEPRINT, type: "blueprint", parent: null });
  for (const id of sessions) await createSession(s, P, { ...base, id, type: "feature", parent: BLUEPRINT });
  await s.write(keys.currentSession(P), BLUEPRINT);
  await pointStateAt(s, P, BLUEPRINT, T0);
}

export const DOCUMENT_CASES: StoreCase[] = [
  {
    id: "artifacts",
    title: "the seven stage documents read back exactly as written",
    async run({ open }) {
      const s = await open();
      const text = (stage: string) => `# ${stage}\r\n\n- [ ] a task\n\n\`\`\`yaml\nk: v\n\`\`\`\n\n\n`;
      for (const stage of STAGES) await writeArtifact(s, P, "auth", stage, text(stage));
      for (const stage of STAGES) expect(await readArtifact(s, P, "auth", stage)).toBe(text(stage));
      expect((await s.list(keys.session(P, "auth"))).map((e) => [e.name, e.kind])).toEqual(
        ["contexts", "feedback", "implementation", "intents", "plans", "specs", "tasks"].map((n) => [
          n,
          "dir",
        ]),
      );
      // An empty document is a document, not a missing one.
      await writeArtifact(s, P, "auth", "feedback", "");
      expect(await readArtifact(s, P, "auth", "feedback")).toBe("");
      expect(await s.has(keys.artifact(P, "auth", "feedback"))).toBe(true);
    },
  },
  {
    id: "project-state",
    title: "project state: current session, session_state.json, agent registry, project listing",
    async run({ open }) {
      const s = await open();
      expect(await listProjects(s)).toEqual([]);
      expect(await projectExists(s, P)).toBe(false);
      await seed(s, "auth");
      await s.write(keys.currentSession(P), "auth\n");
      await pointStateAt(s, P, "auth", T1);
      expect(await readCurrentSession(s, P)).toBe("auth");
      expect(await readProjectState(s, P)).toMatchObject({
        project_name: P,
        session_id: "auth",
        is_blueprint: false,
        stages: pendingStages(),
        created_at: T0,
      });
      await writeRegistry(s, P, defaultRegistry());
      expect(await readRegistry(s, P)).toEqual(defaultRegistry());
      expect(await listProjects(s)).toEqual([P]);
      expect(await projectExists(s, P)).toBe(true);
    },
  },
  {
    id: "session-state",
    title: "session stage state survives switching away and back",
    async run({ open }) {
      const s = await open();
      await seed(s, "auth");
      await pointStateAt(s, P, "auth", T0);
      const stages = { ...pendingStages(), intent: "completed", context: "in_progress" } as const;
      await writeSessionStages(s, P, "auth", stages, "passing", T1);
      expect(await readSessionStages(s, P, "auth")).toEqual({
        stages,
        validation_status: "passing",
        source: "session",
      });
      await pointStateAt(s, P, BLUEPRINT, T1);
      expect((await readProjectState(s, P))?.stages).toEqual(pendingStages());
      await pointStateAt(s, P, "auth", T1);
      expect(await readProjectState(s, P)).toMatchObject({ session_id: "auth", stages });
    },
  },
  {
    id: "session-metadata",
    title: "session metadata: create, update, list every session",
    async run({ open }) {
      const s = await open();
      await seed(s, "billing", "auth");
      await updateSession(s, P, "auth", T1, (m) => ({ ...m, status: "review", tags: ["security"] }));
      const auth = await readSession(s, P, "auth");
      expect(auth.derived).toBe(false);
      expect(auth.meta).toMatchObject({ session_id: "auth", status: "review", tags: ["security"] });
      expect(auth.meta.updated_at).toBe(T1);
      expect(auth.meta.created_at).toBe(T0);
      const all = await readAllSessions(s, P);
      expect(all.map((r) => r.meta.session_id)).toEqual([BLUEPRINT, "auth", "billing"]);
      expect(await s.read(keys.owner(P, "billing"))).toBe(`Created: ${T0}\nOwner: alice\n`);
      expect((await s.list(keys.metadataDir(P, "auth"))).map((e) => e.name)).toEqual([
        ".owner",
        "session.json",
        "stage_state.json",
      ]);
    },
  },
];
