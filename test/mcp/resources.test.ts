import { describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { ResourceUpdatedNotificationSchema } from "@modelcontextprotocol/sdk/types.js";
import { idse } from "../helpers.ts";
import { connect, shopWithSession } from "./util.ts";

describe("idse mcp resources and prompts (SDK Client, in-process)", () => {
  test("lists and reads stage documents, the registry, the meta and the governance docs", async () => {
    const cwd = await shopWithSession();
    const { client, close } = await connect(cwd);
    const { resources } = await client.listResources();
    const uris = resources.map((r) => r.uri);
    expect(uris).toContain("idse://shop/auth/spec");
    expect(uris).toContain("idse://shop/agent_registry.json");
    expect(uris).toContain("idse:///governance/IDSE_CONSTITUTION.md");
    expect(uris).toContain("idse:///governance/IDSE_PIPELINE.md");
    const { resourceTemplates } = await client.listResourceTemplates();
    expect(resourceTemplates[0]!.uriTemplate).toBe("idse://{project}/{session}/{stage}");

    const spec = await client.readResource({ uri: "idse://shop/auth/spec" });
    expect(spec.contents[0]).toMatchObject({ uri: "idse://shop/auth/spec", mimeType: "text/markdown" });
    const reg = await client.readResource({ uri: "idse://shop/agent_registry.json" });
    expect(JSON.parse(String((reg.contents[0] as { text: string }).text)).agents[0].id).toBe("claude-code");
    const constitution = await client.readResource({ uri: "idse:///governance/IDSE_CONSTITUTION.md" });
    expect(String((constitution.contents[0] as { text: string }).text)).toContain("Constitution");
    if (uris.includes("idse://shop/meta.md")) {
      expect(
        String(
          ((await client.readResource({ uri: "idse://shop/meta.md" })).contents[0] as { text: string }).text,
        ),
      ).toContain("auth");
    }
    // Unknown and escaping URIs are resource-not-found errors (-32002), not crashes.
    for (const uri of [
      "idse://shop/nope/spec",
      "idse://../agent_registry.json",
      "idse://shop/auth/../../x",
      "file:///etc/passwd",
    ]) {
      await expect(client.readResource({ uri })).rejects.toMatchObject({ code: -32002 });
    }
    await close();
  });

  test("a subscribed document edited on disk sends notifications/resources/updated", async () => {
    const cwd = await shopWithSession();
    const { client, close } = await connect(cwd);
    const updated: string[] = [];
    let seen: () => void = () => {};
    const arrived = new Promise<void>((r) => {
      seen = r;
    });
    client.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => {
      updated.push(n.params.uri);
      seen();
    });
    await client.subscribeResource({ uri: "idse://shop/auth/plan" });
    expect(
      (await idse(["artifact", "write", "--stage", "plan"], { cwd, stdin: "# Plan\n\nnew\n" })).code,
    ).toBe(0);
    await arrived;
    expect(updated[0]).toBe("idse://shop/auth/plan");
    const read = await client.readResource({ uri: "idse://shop/auth/plan" });
    expect((read.contents[0] as { text: string }).text).toBe("# Plan\n\nnew\n");

    // After unsubscribing, an edit is not announced.
    await client.unsubscribeResource({ uri: "idse://shop/auth/plan" });
    const count = updated.length;
    writeFileSync(join(cwd, ".idse/projects/shop/sessions/auth/plans/plan.md"), "# Plan\n\nagain\n");
    await client.listTools(); // a round trip, then a pause longer than the debounce
    await new Promise((r) => setTimeout(r, 300));
    expect(updated.length).toBe(count);
    await close();
  });

  test("one prompt per stage, filled with the handoff", async () => {
    const cwd = await shopWithSession();
    const { client, close } = await connect(cwd);
    const { prompts } = await client.listPrompts();
    expect(prompts.map((p) => p.name)).toEqual([
      "idse-intent",
      "idse-context",
      "idse-spec",
      "idse-plan",
      "idse-tasks",
      "idse-implementation",
      "idse-feedback",
    ]);
    const p = await client.getPrompt({ name: "idse-spec", arguments: { session: "auth" } });
    const body = (p.messages[0]!.content as { text: string }).text;
    expect(body).toContain("Write the specification (spec) for session auth of project shop");
    expect(body).toContain(".idse/projects/shop/sessions/auth/specs/spec.md");
    expect(body).toContain("artifact_write");
    await expect(
      client.getPrompt({ name: "idse-spec", arguments: { session: "nope" } }),
    ).rejects.toMatchObject({
      code: -32602,
    });
    await close();
  });
});
