import { spawnSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";

// `bun test` from a fresh clone, after only `npm ci`: the end-to-end tests run the compiled binary and the
// type-check and the binary embed src/generated/plugins.ts, none of which a clone has. test/preload.ts
// calls this first; it builds what is missing or older than its sources and costs one walk of ~250 file
// times when everything is current (`npm test` builds first, so there it never builds).

const REPO = join(import.meta.dir, "..");
const SKIP = new Set(["node_modules", "dist", ".tmp", "generated"]);

/** The newest modification time under `path` (a file or a folder), ignoring build output. */
function newest(path: string): number {
  let st: ReturnType<typeof statSync>;
  try {
    st = statSync(path);
  } catch {
    return 0;
  }
  if (!st.isDirectory()) return st.mtimeMs;
  let max = 0;
  for (const e of readdirSync(path)) if (!SKIP.has(e)) max = Math.max(max, newest(join(path, e)));
  return max;
}

const mtime = (p: string) => statSync(p, { throwIfNoEntry: false })?.mtimeMs ?? 0;

function runScript(script: string, why: string): void {
  process.stderr.write(`test preload: ${why}: running bun ${script}\n`);
  const r = spawnSync(process.execPath, [script], { cwd: REPO, stdio: ["ignore", 2, 2] });
  if (r.status !== 0)
    throw new Error(`bun ${script} failed (exit ${r.status}); the tests cannot run without it`);
}

/** Builds src/generated/plugins.ts and dist/idse when they are missing or stale. */
export function buildIfStale(): void {
  if (process.env.IDSE_TEST_NO_BUILD) return;
  const generated = join(REPO, "src", "generated", "plugins.ts");
  const plugins = newest(join(REPO, "plugins"));
  const binary = join(REPO, "dist", process.platform === "win32" ? "idse.exe" : "idse");
  const have = mtime(binary);
  // The binary embeds src/ (generated plugins included), templates/ and package.json.
  const sources = Math.max(
    plugins,
    newest(join(REPO, "src")),
    newest(join(REPO, "templates")),
    mtime(join(REPO, "package.json")),
  );
  if (have === 0 || have < sources) {
    // scripts/build.ts bundles the plugins first.
    runScript(
      "scripts/build.ts",
      have === 0 ? "dist/idse is missing" : "dist/idse is older than its sources",
    );
  } else if (mtime(generated) < plugins) {
    runScript("scripts/build-plugins.ts", "src/generated/plugins.ts is missing or older than plugins/");
  }
}
