import { beforeAll, describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { REPO, tempDir } from "./helpers.ts";

// What the compiled binary loads at start, held by a test: the program is bundled with code splitting, as
// `npm run build` does, and the static imports of the chunks each command needs at start are followed.
// Libraries that are loaded on demand (src/on-demand.ts) or only by the commands that use them must not be
// reachable from there: Bun puts a module into whichever chunk the entry points that reach it share, so
// one static import in the wrong place (a module both the compiler and the rules import, say) silently
// brings the yaml library back into every `validate` (docs/benchmarks.md, "Start-up").

interface Chunk {
  name: string;
  text: string;
  /** The source files bundled into the chunk (Bun's `// path` comments). */
  sources: string[];
  /** Chunks it imports statically. */
  imports: string[];
  /** Node built-in modules it imports statically. */
  builtins: string[];
}

let chunks: Map<string, Chunk>;

beforeAll(async () => {
  const outdir = tempDir("idse-chunks-");
  const r = await Bun.build({
    entrypoints: [join(REPO, "src/main.ts")],
    outdir,
    splitting: true,
    format: "esm",
    target: "bun",
  });
  if (!r.success) throw new AggregateError(r.logs, "bundling src/main.ts failed");
  chunks = new Map();
  for (const name of readdirSync(outdir)) {
    const text = readFileSync(join(outdir, name), "utf8");
    const statics = [
      ...text.matchAll(/^(?:import|export)\s[^;]*?from\s*"([^"]+)"|^import\s*"([^"]+)"/gm),
    ].map((m) => (m[1] ?? m[2])!);
    chunks.set(name, {
      name,
      text,
      sources: [...text.matchAll(/^\/\/ ((?:src|node_modules)\/\S+)$/gm)].map((m) => m[1]!),
      imports: statics.filter((s) => s.startsWith("./")).map((s) => s.slice(2)),
      builtins: statics.filter((s) => !s.startsWith(".")),
    });
  }
}, 60_000);

/** The chunk holding `source`, and every chunk it loads statically. */
function loadedWith(source: string): Chunk[] {
  const first = [...chunks.values()].find((c) => c.sources.includes(source));
  if (!first) throw new Error(`no chunk holds ${source}`);
  const seen = new Map<string, Chunk>();
  const visit = (c: Chunk) => {
    if (seen.has(c.name)) return;
    seen.set(c.name, c);
    for (const i of c.imports) visit(chunks.get(i)!);
  };
  visit(first);
  return [...seen.values()];
}

const libraries = (list: Chunk[]) =>
  [...new Set(list.flatMap((c) => c.sources).map((s) => /^node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(s)?.[1]))]
    .filter(Boolean)
    .sort();
const builtins = (list: Chunk[]) => [...new Set(list.flatMap((c) => c.builtins))].sort();

describe("what a command loads at start", () => {
  // The modules `status` and `validate` import before they read anything: the CLI, the command and, for
  // validate, the engine, its rules and its runner.
  const STATUS = ["src/main.ts", "src/cli/cli.ts", "src/cli/commands/status.ts"];
  const VALIDATE = [
    "src/main.ts",
    "src/cli/cli.ts",
    "src/cli/commands/validate.ts",
    "src/validation/run.ts",
    "src/validation/formats.ts",
    "src/validation/rules/index.ts",
  ];
  const all = (sources: string[]) => [
    ...new Map(sources.flatMap(loadedWith).map((c) => [c.name, c])).values(),
  ];

  test("validate: neither markdown-it nor yaml (loaded by the first document that needs them)", () => {
    const libs = libraries(all(VALIDATE));
    expect(libs).not.toContain("markdown-it");
    expect(libs).not.toContain("yaml");
    // The check itself: these sources are where the test expects them.
    expect(libraries(loadedWith("src/validation/markdown.ts"))).not.toContain("markdown-it");
    expect(libraries(loadedWith("src/compiler/parse.ts"))).toContain("yaml");
  });

  test("the profile reader (check.ts), loaded for an edited spec, does not bring yaml: a plain block skips it", () => {
    expect(libraries(loadedWith("src/compiler/check.ts"))).not.toContain("yaml");
  });

  test("status and validate: no node:crypto, node:util, node:os, node:fs/promises or node:child_process at start", () => {
    for (const list of [all(STATUS), all(VALIDATE)]) {
      const names = builtins(list);
      for (const heavy of [
        "crypto",
        "node:crypto",
        "util",
        "node:util",
        "child_process",
        "node:child_process",
        // about 1.5 ms of `status` here: the host name is taken on first use (src/host-name.ts)
        "os",
        "node:os",
        // about 1.3 ms of a compiled binary's start; the batch writer loads it on its first fsync
        "fs/promises",
        "node:fs/promises",
      ])
        expect(names).not.toContain(heavy);
    }
  });

  test("one session's validate: not the --all report sink or its scratch file", () => {
    const sources = all(VALIDATE).flatMap((c) => c.sources);
    expect(sources).toContain("src/validation/engine.ts");
    for (const later of [
      "src/cli/commands/validate-sink.ts",
      "src/store/spill-file.ts",
      "src/store/stat-cache.ts",
    ])
      expect(sources).not.toContain(later);
  });

  test("status: the Python original's reader is not loaded (one stat decides)", () => {
    const sources = all(STATUS).flatMap((c) => c.sources);
    expect(sources).toContain("src/original/notice.ts");
    expect(sources).not.toContain("src/original/detect.ts");
    expect(sources).not.toContain("src/models/original.ts");
  });
});
