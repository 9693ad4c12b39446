import { describe, expect, test } from "bun:test";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { idse } from "../helpers.ts";
import { call, connect, shopWithSession } from "./util.ts";

describe("idse mcp tools (SDK Client, in-process)", () => {
  test("status, next, artifact_read/write and validate answer typed data", async () => {
    const cwd = await shopWithSession();
    const { client, close } = await connect(cwd, { agent: "claude-code" });
    const status = await call(client, "status");
    expect(status.isError).toBeUndefined();
    expect(status.structuredContent).toMatchObject({ project: "shop", session: "auth" });
    expect(JSON.parse(status.content[0]!.text)).toEqual(status.structuredContent);

    const next = await call(client, "next");
    expect(next.structuredContent.stage).toBe("intent");
    expect(next.structuredContent.handoff.write.stage).toBe("intent");

    const w = await call(client, "artifact_write", { stage: "spec", content: "# Spec\n\nhello\n" });
    expect(w.isError).toBeUndefined();
    expect(w.structuredContent).toMatchObject({ session: "auth", stage: "spec", bytes: 14 });
    const file = join(cwd, ".idse/projects/shop/sessions/auth/specs/spec.md");
    expect(readFileSync(file, "utf8")).toBe("# Spec\n\nhello\n");

    // A concurrent edit through the CLI is what the next read sees.
    const edited = await idse(["artifact", "write", "--stage", "spec"], {
      cwd,
      stdin: "# Spec\n\nfrom the CLI\n",
    });
    expect(edited.code).toBe(0);
    const r = await call(client, "artifact_read", { stage: "spec" });
    expect(r.structuredContent.content).toBe("# Spec\n\nfrom the CLI\n");
    writeFileSync(file, "# Spec\n\nby hand\n");
    expect((await call(client, "artifact_read", { stage: "spec" })).structuredContent.content).toBe(
      "# Spec\n\nby hand\n",
    );

    const v = await call(client, "validate", { session: "auth" });
    expect(v.isError).toBeUndefined();
    expect(v.structuredContent.reports[0].session).toBe("auth");
    expect(Array.isArray(v.structuredContent.reports[0].findings)).toBe(true);
    expect(typeof v.structuredContent.passed).toBe("boolean");
    await close();
  });

  test("errors are tool errors: isError, the code and hint as text, no structuredContent", async () => {
    const cwd = await shopWithSession();
    const { client, close } = await connect(cwd, { agent: "claude-code" });
    const r = await call(client, "artifact_read", { stage: "spec", session: "nope" });
    expect(r.isError).toBe(true);
    expect(r.structuredContent).toBeUndefined();
    expect(r.content[0]!.text).toContain("SESSION_NOT_FOUND");
    expect(r.content[0]!.text).toContain("hint: run `idse sessions`");
    const bad = await call(client, "artifact_read", { stage: "nonsense" });
    expect(bad.isError).toBe(true);
    expect(bad.content[0]!.text).toContain("USAGE");
    const extra = await call(client, "status", { path: "/etc/passwd" });
    expect(extra.isError).toBe(true);
    await close();
  });

  test("a planning agent writes its design documents and nothing else", async () => {
    const cwd = await shopWithSession();
    const before = readFileSync(
      join(cwd, ".idse/projects/shop/sessions/auth/implementation/README.md"),
      "utf8",
    );
    const { client, close } = await connect(cwd, { agent: "claude-code" });
    const denied = await call(client, "artifact_write", { stage: "implementation", content: "# hacked\n" });
    expect(denied.isError).toBe(true);
    expect(denied.content[0]!.text).toContain("MCP_MODE_DENIED");
    expect(
      readFileSync(join(cwd, ".idse/projects/shop/sessions/auth/implementation/README.md"), "utf8"),
    ).toBe(before);
    const stage = await call(client, "set_stage", { stage: "implementation", status: "completed" });
    expect(stage.content[0]!.text).toContain("MCP_MODE_DENIED");
    expect(
      (await call(client, "set_stage", { stage: "spec", status: "in_progress" })).isError,
    ).toBeUndefined();
    await close();

    // The implementation agent may write it; the client's declared name is mapped through the registry.
    const impl = await connect(cwd, { clientName: "codex-mcp-client" });
    const ok = await call(impl.client, "artifact_write", { stage: "implementation", content: "# Impl\n" });
    expect(ok.isError).toBeUndefined();
    await impl.close();

    // An agent the registry does not know changes nothing.
    const stranger = await connect(cwd, { clientName: "some-bot" });
    const no = await call(stranger.client, "artifact_write", { stage: "spec", content: "# x\n" });
    expect(no.content[0]!.text).toContain("MCP_AGENT_UNKNOWN");
    expect((await call(stranger.client, "status")).isError).toBeUndefined();
    await stranger.close();

    // A mode change made by a person takes effect at the next call, without a restart.
    const again = await connect(cwd, { agent: "claude-code" });
    expect((await idse(["agents", "set-mode", "claude-code", "implementation"], { cwd })).code).toBe(0);
    const now = await call(again.client, "artifact_write", {
      stage: "implementation",
      content: "# Impl 2\n",
    });
    expect(now.isError).toBeUndefined();
    await again.close();
  });

  test("sessions, session_info, route, session_create, session_switch, compile_agent_spec", async () => {
    const cwd = await shopWithSession();
    const { client, close } = await connect(cwd, { agent: "claude-code" });
    const created = await call(client, "session_create", { id: "billing", description: "Stripe" });
    expect(created.structuredContent).toMatchObject({ current: true, session: { session_id: "billing" } });
    const list = await call(client, "sessions");
    expect(list.structuredContent.sessions.map((s: { session_id: string }) => s.session_id)).toContain(
      "billing",
    );
    const sw = await call(client, "session_switch", { session: "auth" });
    expect(sw.structuredContent.session.session_id).toBe("auth");
    const info = await call(client, "session_info", {});
    expect(info.structuredContent.session.session_id).toBe("auth");
    const route = await call(client, "route", { stage: "plan", session: "billing" });
    expect(route.structuredContent).toMatchObject({ session: "billing", stage: "plan" });
    const compile = await call(client, "compile_agent_spec", { mode: "dry_run" });
    // A fresh session's spec has no finished Agent Profile: a tool error with the compiler's code.
    if (compile.isError) expect(compile.content[0]!.text).toMatch(/AGENT_PROFILE_/);
    else expect(compile.structuredContent.dry_run).toBe(true);
    await close();
  });
});
