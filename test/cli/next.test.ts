import { describe, expect, test } from "bun:test";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { QueueItem } from "../../src/models/queue.ts";
import { compareItems, itemStage, parentGate } from "../../src/work-queue.ts";
import { idse, REPO, tempDir } from "../helpers.ts";

// The queue's ordering and blocking rules, on a real workspace built through the CLI in-process.

const day = (n: number) => new Date(Date.UTC(2026, 0, n));

async function workspace() {
  const cwd = tempDir();
  const run = async (argv: string[], n = 1) => {
    const r = await idse(argv, { cwd, now: day(n) });
    if (r.code !== 0) throw new Error(`${argv.join(" ")}: ${r.stderr}`);
    return r;
  };
  const stage = (s: string, st: string, status = "completed") =>
    run(["session", "set-stage", s, "--stage", st, "--status", status]);
  await run(["init", "shop", "--stack", "go", "--owner", "ana", "--no-create-agent-files"]);
  for (const st of ["intent", "context", "spec"]) await stage("__blueprint__", st);
  const spawn = (id: string, n: number, ...more: string[]) =>
    run(["spawn", id, "--plan", "feature", ...more], n);
  await spawn("auth", 2, "--owner", "bob");
  await stage("auth", "intent");
  await stage("auth", "context", "in_progress"); // in progress, nothing blocks it
  await spawn("billing", 3); // intent pending, the blueprint's intent is completed: ready
  await spawn("search", 4);
  await run(["session", "set-status", "search", "--status", "in_progress"]); // younger, but active
  await spawn("login", 5, "--blueprint", "auth"); // depth 2, auth's intent is completed: ready
  await spawn("checkout", 6, "--blueprint", "auth");
  await stage("checkout", "intent"); // its context waits for auth's context (in progress)
  await spawn("upstream", 7);
  await stage("upstream", "spec", "in_progress"); // spec in progress, intent and context pending
  await spawn("pay", 8);
  await spawn("conflicted", 9);
  await spawn("done", 10);
  await run(["session", "set-status", "done", "--status", "archived"]); // closed: not in the queue
  const p = (...rest: string[]) => join(cwd, ".idse/projects/shop", ...rest);
  // pay: its last validation failed, in a state that does not say which stages (the original's, or one
  // written before idse recorded failing_stages): the whole session waits for a new validation.
  const stateFile = p("sessions/pay/metadata/stage_state.json");
  const state = JSON.parse(readFileSync(stateFile, "utf8"));
  writeFileSync(stateFile, JSON.stringify({ ...state, validation_status: "failing" }));
  // conflicted: edited on both sides of a real filesystem remote; the pull leaves the remote's copy beside.
  const remote = tempDir();
  await run(["remote", "add", "backup", remote]);
  await run(["sync", "push", "--session", "conflicted"]);
  const intent = "sessions/conflicted/intents/intent.md";
  writeFileSync(join(remote, "projects/shop", intent), "# Intent\n\nTheirs.\n");
  writeFileSync(p(intent), "# Intent\n\nOurs.\n");
  expect((await idse(["sync", "pull", "--session", "conflicted"], { cwd })).code).toBe(1);
  return { cwd, run };
}

describe("idse next", () => {
  test("orders ready, in progress, blocked; then lineage, status, age; says what blocks", async () => {
    const { cwd } = await workspace();
    const r = await idse(["next", "--json"], { cwd });
    expect(r.code).toBe(0);
    const items = r.json!.data.items as QueueItem[];
    const summary = items.map((i) => [
      i.session,
      i.stage,
      i.state,
      i.blocked_by.map((b) => `${b.reason}:${b.session}:${b.stage}`),
    ]);
    expect(summary).toEqual([
      ["__blueprint__", "plan", "ready", []],
      ["search", "intent", "ready", []],
      ["billing", "intent", "ready", []],
      ["login", "intent", "ready", []],
      ["auth", "context", "in_progress", []],
      ["upstream", "spec", "blocked", ["upstream_stage:upstream:intent", "upstream_stage:upstream:context"]],
      ["pay", "intent", "blocked", ["validation:pay:null"]],
      ["conflicted", "intent", "blocked", ["sync_conflict:conflicted:intent"]],
      ["checkout", "context", "blocked", ["parent_stage:auth:context"]],
    ]);
    expect(r.json!.data.counts).toEqual({ ready: 4, in_progress: 1, blocked: 4 });
    const bySession = new Map(items.map((i) => [i.session, i]));
    expect(bySession.get("billing")!.command).toBe("idse route intent --session billing");
    expect(bySession.get("checkout")!.command).toBe("idse route context --session auth");
    expect(bySession.get("pay")!.command).toBe("idse validate --session pay");
    expect(bySession.get("conflicted")!.command).toBe("idse sync status backup --session conflicted");
    expect(bySession.get("auth")!).toMatchObject({ agent: "claude-code", mode: "planning", owner: "bob" });
    expect(bySession.has("done")).toBe(false);
  });

  test("the queue's stage is the one `route --next` hands off when nothing is in progress", async () => {
    const { cwd } = await workspace();
    const q = await idse(["next", "--json"], { cwd });
    const billing = (q.json!.data.items as QueueItem[]).find((i) => i.session === "billing")!;
    const r = await idse(["route", "--next", "--session", "billing", "--json"], { cwd });
    expect(r.json!.data.stage).toBe(billing.stage);
    expect(r.json!.data.agents[0].id).toBe(billing.agent);
  });

  test("filters: --agent, --owner, --mine, --limit; counts cover the filtered queue", async () => {
    const { cwd, run } = await workspace();
    const sessions = async (...argv: string[]) => {
      const r = await idse(["next", ...argv, "--json"], { cwd });
      expect(r.code).toBe(0);
      return (r.json!.data.items as QueueItem[]).map((i) => i.session);
    };
    expect(await sessions("--owner", "bob")).toEqual(["auth"]);
    expect(await sessions("--agent", "gpt-codex")).toEqual([]);
    expect((await sessions("--agent", "claude-code")).length).toBe(9);
    const limited = await idse(["next", "--limit", "2", "--json"], { cwd });
    expect(limited.json!.data.items.length).toBe(2);
    expect(limited.json!.data.total).toBe(9);
    const mine = await idse(["next", "--mine", "--json"], { cwd });
    expect(mine.code).toBe(2);
    // The message says how to tell idse who you are, for yourself; each way it names works.
    expect(mine.json!.diagnostics[0].message).toContain("export IDSE_OWNER=<name>");
    expect(mine.json!.diagnostics[0].message).toContain("~/.idseconfig.json");
    const asBob = await idse(["next", "--mine", "--json"], { cwd, env: { IDSE_OWNER: "bob" } });
    expect((asBob.json!.data.items as QueueItem[]).map((i) => i.session)).toEqual(["auth"]);
    const home = tempDir();
    writeFileSync(join(home, ".idseconfig.json"), JSON.stringify({ owner: "bob" }));
    const fromHome = await idse(["next", "--mine", "--json"], { cwd, home });
    expect((fromHome.json!.data.items as QueueItem[]).map((i) => i.session)).toEqual(["auth"]);
    await run(["config", "set", "owner", "bob"]); // the repository's config counts too
    expect(await sessions("--mine")).toEqual(["auth"]);
    for (const bad of [
      ["--limit", "0"],
      ["--limit", "x"],
      ["--owner", "a", "--mine"],
    ]) {
      const r = await idse(["next", ...bad, "--json"], { cwd });
      expect({ bad, code: r.code }).toEqual({ bad, code: 2 });
    }
  });

  test("--all-projects: one queue over every project, commands name the project", async () => {
    const { cwd, run } = await workspace();
    await run(["init", "admin", "--no-create-agent-files"]);
    const r = await idse(["next", "--all-projects", "--json"], { cwd });
    expect(r.code).toBe(0);
    expect(r.json!.data.projects).toEqual(["admin", "shop"]);
    const items = r.json!.data.items as QueueItem[];
    const admin = items.find((i) => i.project === "admin")!;
    expect(admin.command).toBe("idse route intent --session __blueprint__ --project admin");
    expect(items.slice(0, 2).map((i) => [i.project, i.session])).toEqual([
      ["admin", "__blueprint__"],
      ["shop", "__blueprint__"],
    ]);
    const text = await idse(["next", "--all-projects"], { cwd });
    expect(text.stdout).toContain("PROJECT");
    expect(text.stdout).toContain("10 item(s): 5 ready, 1 in progress, 4 blocked.");
  });

  test("validate records the failing stages; next blocks only on completed stages that fail", async () => {
    const cwd = tempDir();
    const run = async (argv: string[], code = 0) => {
      const r = await idse([...argv, "--json"], { cwd });
      expect(r.code, `${argv.join(" ")}: ${r.stdout}`).toBe(code);
      return r;
    };
    const complete = (s: string, st: string) =>
      run(["session", "set-stage", s, "--stage", st, "--status", "completed"]);
    const failing = (s: string): string[] | undefined =>
      JSON.parse(
        readFileSync(join(cwd, `.idse/projects/shop/sessions/${s}/metadata/stage_state.json`), "utf8"),
      ).failing_stages;
    const status = (s: string): string =>
      JSON.parse(
        readFileSync(join(cwd, `.idse/projects/shop/sessions/${s}/metadata/stage_state.json`), "utf8"),
      ).validation_status;
    const queue = async () => {
      const items = (await run(["next"])).json!.data.items as QueueItem[];
      return Object.fromEntries(
        items.map((i) => [
          i.session,
          [i.stage, i.state, ...i.blocked_by.map((b) => `${b.reason}:${b.stage}`)],
        ]),
      );
    };
    // A real intent with warnings only: it passes.
    const good = join(REPO, "test/fixtures/python-original-sqlite-workspace/.idse/projects/shop");
    const goodIntent = join(good, "sessions/gift-cards/intents/intent.md");
    await run(["init", "shop", "--stack", "go", "--owner", "ana", "--no-create-agent-files"]);
    for (const st of ["intent", "context", "spec"]) await complete("__blueprint__", st);
    await run(["spawn", "ok", "--plan", "feature"]);
    await run(["artifact", "write", "--session", "ok", "--stage", "intent", "--file", goodIntent]);
    await complete("ok", "intent");
    await run(["spawn", "bad", "--plan", "feature"]);
    await complete("bad", "intent"); // the untouched template: errors
    await run(["spawn", "fresh", "--plan", "feature"]); // nothing completed, every template fails
    await run(["validate", "--all"], 1);

    expect(failing("ok")).not.toContain("intent");
    expect(failing("ok")).toContain("context");
    expect(failing("bad")).toContain("intent");
    expect(failing("fresh")).toContain("intent");
    // session_state.json keeps the original's keys: the failing stages live in the session's own file.
    const state = JSON.parse(readFileSync(join(cwd, ".idse/projects/shop/session_state.json"), "utf8"));
    expect(state.validation_status).toBe("failing");
    expect(state).not.toHaveProperty("failing_stages");

    // Failing stages that are not completed are the work to do, not a block.
    expect(await queue()).toEqual({
      ok: ["context", "ready"],
      fresh: ["intent", "ready"],
      bad: ["context", "blocked", "validation:intent"],
      __blueprint__: ["plan", "blocked", "validation:intent", "validation:context", "validation:spec"],
    });
    const bad = ((await run(["next"])).json!.data.items as QueueItem[]).find((i) => i.session === "bad")!;
    expect(bad.command).toBe("idse validate --session bad --stage intent");

    // Completing a stage that failed its last validation blocks (set-stage keeps the recorded result).
    await complete("fresh", "intent");
    expect(failing("fresh")).toContain("intent");
    expect((await queue()).fresh).toEqual(["context", "blocked", "validation:intent"]);

    // Fixing the document and running the command the blocker names clears it; the other stages were
    // checked too, so they stay recorded.
    await run(["artifact", "write", "--session", "bad", "--stage", "intent", "--file", goodIntent]);
    await run(["validate", "--session", "bad", "--stage", "intent"]);
    expect(failing("bad")).not.toContain("intent");
    expect(failing("bad")).toContain("context");
    // The run showed one stage, but the session's status is the whole report's: context still fails.
    expect(status("bad")).toBe("failing");
    expect((await queue()).bad).toEqual(["context", "ready"]);
    // A run of some rules only cannot clear what another rule failed: the recorded stages stay.
    await complete("bad", "context");
    await run(["validate", "--session", "bad", "--rule", "idse/artifact-present"]); // every document is there
    expect(failing("bad")).toContain("context");
    expect(status("bad")).toBe("failing"); // nor clear the status another rule failed
    expect((await queue()).bad).toEqual(["spec", "blocked", "validation:context"]);
  });

  test("rules as functions", () => {
    const stages = (o: Record<string, string>) =>
      ({
        intent: "completed",
        context: "completed",
        spec: "pending",
        plan: "pending",
        tasks: "pending",
        implementation: "pending",
        feedback: "pending",
        ...o,
      }) as Parameters<typeof itemStage>[0];
    expect(itemStage(stages({}))).toBe("spec");
    expect(itemStage(stages({ tasks: "in_progress" }))).toBe("tasks");
    expect(parentGate("context")).toBe("context");
    expect(parentGate("implementation")).toBe("spec");
    const item = (o: Partial<QueueItem>) =>
      ({
        state: "ready",
        depth: 0,
        session_status: "draft",
        created_at: "2026",
        project: "p",
        session: "s",
        ...o,
      }) as QueueItem;
    expect(compareItems(item({ state: "blocked" }), item({ depth: 5 }))).toBeGreaterThan(0);
    expect(compareItems(item({ depth: 1 }), item({ depth: 0 }))).toBeGreaterThan(0);
    expect(compareItems(item({ session_status: "review" }), item({ session_status: "draft" }))).toBeLessThan(
      0,
    );
    expect(compareItems(item({ created_at: "2025" }), item({}))).toBeLessThan(0);
  });
});
