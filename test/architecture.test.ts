import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { REPO } from "./helpers.ts";

// The boundaries DESIGN.md §4 states, held by a test: each rule fails with the offending import. Read with
// a regex over the import statements (static, re-export and dynamic `import("…")`), which is all this
// code base uses; `import type` is erased at build time and never loads a module.

interface Edge {
  from: string;
  to: string;
  typeOnly: boolean;
  dynamic: boolean;
}

function tsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir)) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) {
      if (e !== "generated" && e !== "node_modules" && e !== "dist") out.push(...tsFiles(p));
    } else if (p.endsWith(".ts")) out.push(p);
  }
  return out;
}

function edgesOf(file: string): Edge[] {
  const text = readFileSync(file, "utf8");
  const from = relative(REPO, file);
  const to = (spec: string) => relative(REPO, resolve(dirname(file), spec));
  const out: Edge[] = [];
  for (const m of text.matchAll(/^(?:import|export)\s+(type\s+)?[^;]*?\sfrom\s+"(\.[^"]+)"/gms))
    out.push({ from, to: to(m[2]!), typeOnly: !!m[1], dynamic: false });
  for (const m of text.matchAll(/\bimport\(\s*"(\.[^"]+)"\s*\)/g))
    out.push({ from, to: to(m[1]!), typeOnly: false, dynamic: true });
  return out;
}

const SRC = tsFiles(join(REPO, "src"));
const EDGES = SRC.flatMap(edgesOf);
const runtime = EDGES.filter((e) => !e.typeOnly);
const show = (e: Edge) => `${e.from} imports ${e.to}${e.dynamic ? " (dynamic)" : ""}`;

/** Spine primitives: one file each, on stores, models and errors only (DESIGN.md §4). */
const PRIMITIVES = [
  "workspace",
  "session-graph",
  "artifacts",
  "stage-state",
  "agent-registry",
  "blueprint-meta",
].map((n) => `src/${n}.ts`);

/**
 * Leaves: data models, the catalogue of codes and the error built from it. Everything may import them;
 * they import models only, and the catalogue's files (errors.ts among their readers) one another.
 */
const LEAF = /^src\/(models\/|catalogue\/|errors\.ts$)/;
const LEAF_MAY_IMPORT = (e: Edge) =>
  /^src\/models\//.test(e.to) ||
  (/^src\/(catalogue\/|errors\.ts$)/.test(e.from) && /^src\/catalogue\//.test(e.to));

/** The plugin host and its parts (src/plugins/): only the CLI, the store selection and the routing/sync layers load it. */
const HOST = /^src\/plugins\//;

/**
 * Where the CLI lives (src/cli/: the parser, the command table and commands, the output, the MCP server and
 * shell completion, which run and read commands as the CLI does) and the entry that starts it. Nothing
 * else imports them.
 */
const CLI = /^src\/(cli\/|main\.ts$)/;

describe("architecture: boundaries", () => {
  test("no cycle among the modules a process loads at start (static imports)", () => {
    const graph = new Map<string, string[]>();
    for (const e of runtime.filter((x) => !x.dynamic))
      graph.set(e.from, [...(graph.get(e.from) ?? []), e.to]);
    const cycles: string[] = [];
    const state = new Map<string, 1 | 2>();
    const stack: string[] = [];
    const visit = (n: string) => {
      state.set(n, 1);
      stack.push(n);
      for (const m of graph.get(n) ?? []) {
        if (state.get(m) === 1) cycles.push([...stack.slice(stack.indexOf(m)), m].join(" → "));
        else if (!state.get(m)) visit(m);
      }
      stack.pop();
      state.set(n, 2);
    };
    for (const n of graph.keys()) if (!state.get(n)) visit(n);
    expect(cycles).toEqual([]);
  });

  test("leaves (models, the catalogue, errors) import nothing from src but models and the catalogue, types included", () => {
    const bad = EDGES.filter((e) => LEAF.test(e.from) && !LEAF_MAY_IMPORT(e));
    expect(bad.map(show)).toEqual([]);
    // The rule must see the leaves it names (a moved folder would make it vacuous).
    expect(SRC.map((f) => relative(REPO, f)).filter((f) => LEAF.test(f)).length).toBeGreaterThan(20);
  });

  test("Spine primitives never reach the CLI, the output or plugin code through static imports", () => {
    const reach = (start: string) => {
      const seen = new Map<string, Edge>();
      const queue = [start];
      while (queue.length) {
        const n = queue.pop()!;
        for (const e of runtime.filter((x) => x.from === n && !x.dynamic)) {
          if (seen.has(e.to)) continue;
          seen.set(e.to, e);
          queue.push(e.to);
        }
      }
      return [...seen.values()];
    };
    const bad = PRIMITIVES.flatMap((p) =>
      reach(p)
        .filter((e) => CLI.test(e.to) || HOST.test(e.to))
        .map((e) => `${p} reaches ${e.to} (via ${e.from})`),
    );
    expect(bad).toEqual([]);
  });

  test("nothing outside src/cli/ and main.ts imports src/cli/, types included", () => {
    // The exceptions, each an edge with its reason; a new one fails here.
    const allowed: Record<string, string> = {
      "src/hooks/policy.ts imports src/cli/argv.ts":
        "the hook decides whether a planning agent may run `idse …` by scanning its argv as the CLI does: one scanner for both",
    };
    const bad = EDGES.filter((e) => CLI.test(e.to) && !CLI.test(e.from)).map(show);
    expect(bad.filter((b) => !allowed[b])).toEqual([]);
    for (const a of Object.keys(allowed)) expect(bad).toContain(a);
  });

  test("the validation engine and its rules read no file: no node:fs, no store driver, no workspace", () => {
    const pure = SRC.map((f) => relative(REPO, f)).filter((f) =>
      /^src\/validation\/(engine\.ts|markdown\.ts|rules\/)/.test(f),
    );
    expect(pure.length).toBeGreaterThan(10);
    const bad = [
      ...EDGES.filter((e) => pure.includes(e.from) && !e.typeOnly)
        .filter((e) =>
          /^src\/(workspace\.ts|store\/(fs|select|files|transfer|file-lock|atomic-files?)\.ts|plugins\/|cli\/)/.test(
            e.to,
          ),
        )
        .map(show),
      ...pure
        .filter((f) => /from "node:fs|from "fs"/.test(readFileSync(join(REPO, f), "utf8")))
        .map((f) => `${f} imports node:fs`),
    ];
    expect(bad).toEqual([]);
  });

  test("src/store/ imports no Spine primitive, CLI, validation, sync or routing code", () => {
    // store/ is below the primitives. The exceptions, each with its reason; a new one fails here.
    const allowed: Record<string, string> = {
      "src/store/select.ts imports src/config.ts":
        "which store to open is config.json's `store` section, read through its one owner",
      "src/store/transfer/import.ts imports src/spine.ts":
        "store import holds a changed Spine document for a person to accept",
    };
    const bad = runtime
      .filter((e) => e.from.startsWith("src/store/"))
      .filter((e) => !e.dynamic)
      .filter((e) =>
        /^src\/(workspace|session-graph|artifacts|stage-state|agent-registry|blueprint-meta|spine|config)\.ts$|^src\/(cli|validation|sync|routing)\//.test(
          e.to,
        ),
      )
      .map(show);
    expect(bad.filter((b) => !allowed[b])).toEqual([]);
  });

  test("src/store/ loads the plugin host only from select.ts, lazily; the store core needs only the contract", () => {
    const host = runtime.filter((e) => e.from.startsWith("src/store/") && HOST.test(e.to)).map(show);
    expect(host).toEqual(["src/store/select.ts imports src/plugins/host.ts (dynamic)"]);
    // The core wraps any driver, the plugin host's included: it knows the contract and the error catalogue,
    // and counts the documents read for the JIT policy (a leaf).
    const core = runtime.filter((e) => e.from === "src/store/core.ts").map((e) => e.to);
    expect(core.sort()).toEqual(["src/errors.ts", "src/jit-policy.ts", "src/store/contract.ts"]);
  });

  test("no caller tests a store for a method: the store core supplies every one (src/store/core.ts)", () => {
    // `store.hash ? … : …`, `if (target.writeMany)`: the fallbacks the core gives once came back here.
    const probe =
      /\b(store|target|source|real|s)\.(keys|has|list|listTree|hash|writeMany|lock|dispose)\s*(\?\s|\)|&&|$)/;
    const bad = SRC.map((f) => relative(REPO, f))
      .filter((f) => f !== "src/store/core.ts")
      .flatMap((f) =>
        readFileSync(join(REPO, f), "utf8")
          .split("\n")
          .flatMap((line, i) => (probe.test(line) ? [`${f}:${i + 1}: ${line.trim()}`] : [])),
      );
    expect(bad).toEqual([]);
  });

  test("Spine primitives never import the CLI or the plugin host, dynamic imports included", () => {
    // The exceptions, each an edge with its reason; a new one fails here.
    const allowed: Record<string, string> = {
      "src/workspace.ts → src/store/select.ts → src/plugins/host.ts":
        "opening a workspace opens its configured store; a plugin store is loaded through the host, by a dynamic import taken only when config.json names one (issue #15: store selection moves into store/)",
    };
    const reach = (start: string) => {
      const paths: string[] = [];
      const seen = new Set([start]);
      const queue: string[][] = [[start]];
      while (queue.length) {
        const path = queue.shift()!;
        for (const e of runtime.filter((x) => x.from === path.at(-1))) {
          if (seen.has(e.to)) continue;
          seen.add(e.to);
          if (CLI.test(e.to) || HOST.test(e.to)) paths.push([...path, e.to].join(" → "));
          else queue.push([...path, e.to]);
        }
      }
      return paths;
    };
    const bad = PRIMITIVES.flatMap(reach).filter((p) => !allowed[p]);
    expect(bad).toEqual([]);
    for (const p of Object.keys(allowed)) expect(PRIMITIVES.flatMap(reach)).toContain(p);
  });

  test("first-party plugins import from src only the plugin API, types only; from plugins/ only shared/", () => {
    const files = tsFiles(join(REPO, "plugins")).filter((f) => !f.includes("/test"));
    expect(files.length).toBeGreaterThan(10);
    const bad = files.flatMap(edgesOf).filter((e) => {
      if (e.to.startsWith("src/")) return !e.typeOnly || e.to !== "src/plugins/api.ts";
      const own = e.from.split("/").slice(0, 2).join("/");
      return !e.to.startsWith(`${own}/`) && !e.to.startsWith("plugins/shared/");
    });
    expect(bad.map(show)).toEqual([]);
  });

  test("a command never imports the command table that loads it (the table is for cli, mcp, completion)", () => {
    const bad = EDGES.filter(
      (e) => /^src\/cli\/commands\//.test(e.from) && e.to === "src/cli/commands/index.ts",
    );
    expect(bad.map(show)).toEqual([]);
  });

  test("only cli/cli.ts and cli/output.ts write to the Io's stdout: commands return data", () => {
    // Io.stdout is defined where an Io is built (main.ts, the MCP server's silent one) and called here only.
    const writers = SRC.map((f) => relative(REPO, f)).filter((f) =>
      /\.stdout\(/.test(readFileSync(join(REPO, f), "utf8")),
    );
    expect(writers.sort()).toEqual(["src/cli/cli.ts", "src/cli/output.ts"]);
  });

  test("only the entry writes to the process's stdout and stderr; the rest goes through Io", () => {
    // Known exceptions, each with its reason; a new one fails here.
    const allowed: Record<string, string> = {
      "src/main.ts": "the entry: argv, env and stdio become an Io here",
      "src/plugins/confirm.ts": "an interactive question at a terminal, asked on stderr",
      "src/plugins/stdout-guard.ts":
        "a plugin's console.log and process.stdout lead to stderr before its code runs: stdout is idse's",
    };
    const bad = SRC.map((f) => relative(REPO, f)).filter(
      (f) => !allowed[f] && /process\.(stdout|stderr)\b/.test(readFileSync(join(REPO, f), "utf8")),
    );
    expect(bad).toEqual([]);
  });

  test("the CLI names no store key: only the commands that report on keys import store/layout.ts", () => {
    // Key knowledge lives in the Spine primitives that own it (artifacts.ts: artifactPath, createArtifact;
    // session-graph.ts: recordArrivedSession; workspace.ts: withProjectLock …); the stage list is a model
    // (models/common.ts). The exceptions, each with its reason; a new one fails here.
    const allowed: Record<string, string> = {
      "src/cli/commands/doctor.ts": "doctor checks and repairs each document of the layout by its key",
      "src/cli/commands/store.ts": "store commands report on keys: a session's subtree for export and verify",
      "src/cli/commands/compile.ts":
        "compile names the spec file it read and writes its profiles beside the project",
      "src/cli/mcp/resources.ts": "an MCP resource's URI maps onto one document of the layout, by its key",
    };
    const users = [
      ...new Set(EDGES.filter((e) => CLI.test(e.from) && e.to === "src/store/layout.ts").map((e) => e.from)),
    ];
    expect(users.filter((f) => !allowed[f])).toEqual([]);
    for (const a of Object.keys(allowed)) expect(users).toContain(a);
  });

  test("the sync engine takes a workspace and a transport, not the CLI's Io or Context (src/context.ts)", () => {
    const bad = EDGES.filter((e) => e.from.startsWith("src/sync/") && e.to === "src/context.ts");
    expect(bad.map(show)).toEqual([]);
    expect(SRC.some((f) => relative(REPO, f) === "src/sync/engine.ts")).toBe(true);
  });

  test("below the CLI nothing reads the process's env or stdio: the run's Io and the Workspace carry them", () => {
    // What a run was given (env, home, a log) reaches the layers below through the Workspace or the
    // Context, so an embedder or a test that passes its own is never overruled by the process's. The
    // exceptions, each with its reason; a new one fails here.
    const allowed: Record<string, string> = {
      "src/plugins/confirm.ts":
        "a question at a terminal: readline reads process.stdin and writes the prompt on process.stderr",
      "src/plugins/npmrc.ts":
        "`npm config get registry` runs npm from PATH: the process's PATH when the caller's env has none",
      "src/store/kill-point.ts":
        "a crash test's injection point inside the batch writer, which takes documents, not a run's env",
      "src/store/syncfs.ts": "IDSE_BATCH_FLUSH=fsync, a switch for the batch writer (same reason)",
      "src/plugins/stdout-guard.ts":
        "a plugin's own code writes to process.stdout, not through an Io: it is led to stderr before it runs",
    };
    const uses = SRC.map((f) => relative(REPO, f))
      .filter((f) => !CLI.test(f))
      .filter((f) =>
        /\bprocess\.(env|stdout|stderr|stdin)\b/.test(codeOf(readFileSync(join(REPO, f), "utf8"))),
      );
    expect(uses.filter((f) => !allowed[f])).toEqual([]);
    for (const a of Object.keys(allowed)) expect(uses).toContain(a);
    // The scan reads code, not the words of a comment or a string (models/plugins.ts says "process.env").
    expect(codeOf('a = "process.env"; // process.stdout\nb = process.stdin')).not.toContain("process.env");
    // …but the code inside a template literal's substitutions is read: `${process.env.X}` counts.
    const $ = "$"; // a template literal's source, written without biome taking it for a slip
    expect(codeOf(`a = \`at ${$}{process.env.HOME} now\``)).toContain("process.env.HOME");
    expect(codeOf(`a = \`process.env ${$}{x}\``)).not.toContain("process.env");
  });
});

/**
 * Source text without its comments and the contents of its string literals: what the code itself uses.
 * A template literal keeps its `${…}` substitutions, which are code (one level of braces inside).
 */
function codeOf(text: string): string {
  return text.replace(
    /\/\*[\s\S]*?\*\/|\/\/[^\n]*|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|`(?:[^`\\]|\\.)*`/g,
    (m) => {
      if (m.startsWith("/")) return "";
      if (!m.startsWith("`")) return m[0]! + m.at(-1)!;
      const subs = [...m.matchAll(/\$\{((?:[^{}]|\{[^{}]*\})*)\}/g)].map((s) => `\${${s[1]}}`);
      return `\`${subs.join("")}\``;
    },
  );
}

describe("architecture: the map a newcomer reads", () => {
  test("README's Development section names every folder of src/ and of the repository, and links the page", () => {
    const readme = readFileSync(join(REPO, "README.md"), "utf8");
    const section = readme.slice(readme.indexOf("## Development"));
    const folders = [
      ...readdirSync(join(REPO, "src"), { withFileTypes: true })
        .filter((d) => d.isDirectory())
        .map((d) => `src/${d.name}/`),
      ...["plugins/", "templates/", "schemas/", "test/", "scripts/", "docs/"],
    ];
    expect(folders.filter((f) => !section.includes(`\`${f}\``))).toEqual([]);
    expect(section).toContain("(docs/architecture.md)");
  });

  test("docs/architecture.md names every file the import rules treat specially", () => {
    const page = readFileSync(join(REPO, "docs", "architecture.md"), "utf8");
    const named = [
      ...PRIMITIVES,
      "src/errors.ts",
      "src/catalogue/errors.ts",
      "src/catalogue/notices.ts",
      "src/plugins/api.ts",
      "src/cli/output.ts",
    ];
    expect(named.map((f) => f.replace(/^src\//, "")).filter((f) => !page.includes(f))).toEqual([]);
  });
});
