import { describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { Window } from "happy-dom";
import { idse, tempDir } from "../helpers.ts";

// `idse graph`: its Mermaid text is checked by Mermaid's own parser (the one GitHub's renderer runs),
// its DOT text by Graphviz's `dot` (Debian's graphviz, test/debian-tools.sh).

async function mermaidParse(text: string): Promise<unknown> {
  // Mermaid sanitises labels with DOMPurify, which needs a window: a Happy DOM one, no browser.
  if (!("window" in globalThis)) {
    const w = new Window();
    Object.assign(globalThis, { window: w, document: w.document });
  }
  const mermaid = (await import("mermaid")).default;
  return mermaid.parse(text);
}

async function workspace() {
  const cwd = tempDir();
  const run = async (...argv: string[]) => {
    const r = await idse(argv, { cwd });
    if (r.code !== 0) throw new Error(`${argv.join(" ")}: ${r.stderr}`);
  };
  await run("init", "shop", "--no-create-agent-files");
  await run("spawn", "auth", "--plan", "feature");
  // Ids with characters Mermaid and DOT read as syntax must still give valid text.
  await run("spawn", "auth.v2-x_y", "--plan", "feature", "--blueprint", "auth");
  await run("spawn", "billing", "--plan", "feature");
  await run("session", "set-stage", "auth", "--stage", "intent", "--status", "completed");
  await run("session", "set-stage", "auth", "--stage", "context", "--status", "in_progress");
  await run("session", "set-owner", "billing", "--owner", 'Ann "the <b>boss</b>" & co');
  return cwd;
}

describe("idse graph", () => {
  test("lineage: nodes parents first with progress; mermaid that Mermaid parses", async () => {
    const cwd = await workspace();
    const r = await idse(["graph", "--json"], { cwd });
    expect(r.code).toBe(0);
    const d = r.json!.data;
    expect(d.nodes.map((n: { id: string }) => n.id)).toEqual([
      "__blueprint__",
      "auth",
      "billing",
      "auth.v2-x_y",
    ]);
    expect(d.edges).toContainEqual({ from: "auth", to: "auth.v2-x_y" });
    expect(d.nodes[1]).toMatchObject({ id: "auth", completed: 1, progress: 14, status: "draft" });
    expect(d.text).toStartWith("flowchart TD\n");
    expect(d.text).toContain("1/7 · draft");
    expect(await mermaidParse(d.text)).toBeTruthy();
    // The parser is real: a broken flowchart is refused.
    await expect(mermaidParse(d.text.replace('"]', '"'))).rejects.toThrow();
  });

  test("a session's pipeline: seven stages in order, the next one marked; mermaid and DOT parse", async () => {
    const cwd = await workspace();
    const r = await idse(["graph", "--session", "auth", "--json"], { cwd });
    const d = r.json!.data;
    expect(d.view).toBe("pipeline");
    expect(d.nodes.map((n: { status: string }) => n.status).slice(0, 3)).toEqual([
      "completed",
      "in_progress",
      "pending",
    ]);
    expect(d.nodes.find((n: { current: boolean }) => n.current).id).toBe("context");
    expect(await mermaidParse(d.text)).toBeTruthy();
    for (const argv of [
      ["graph", "--format", "dot"],
      ["graph", "--format", "dot", "--session", "auth"],
    ]) {
      const dot = await idse(argv, { cwd });
      const svg = spawnSync("dot", ["-Tsvg"], { input: dot.stdout, encoding: "utf8" });
      expect({ argv, status: svg.status, stderr: svg.stderr }).toEqual({ argv, status: 0, stderr: "" });
      expect(svg.stdout).toContain("<svg");
    }
    const json = await idse(["graph", "--format", "json"], { cwd });
    expect(JSON.parse(json.stdout).nodes.length).toBe(4);
  });

  test("an unknown session is SESSION_NOT_FOUND; a bad format is a usage error", async () => {
    const cwd = await workspace();
    expect((await idse(["graph", "--session", "nope", "--json"], { cwd })).json!.diagnostics[0].code).toBe(
      "SESSION_NOT_FOUND",
    );
    expect((await idse(["graph", "--format", "png"], { cwd })).code).toBe(2);
  });
});
