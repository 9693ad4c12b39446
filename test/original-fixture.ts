import { chmodSync, cpSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { REPO, tempDir } from "./helpers.ts";

// The workspace the Python original wrote in its default SQLite mode (../shared/fixtures, read-only):
// tests copy it to a temporary directory before touching it, as its README asks.

export const SQLITE_FIXTURE = resolve(REPO, "test", "fixtures", "python-original-sqlite-workspace");
export const EXPECTED = JSON.parse(readFileSync(join(SQLITE_FIXTURE, "EXPECTED.json"), "utf8"));

/** A writable copy of the SQLite fixture. */
export function sqliteFixtureCopy(): string {
  const dir = tempDir("idse-orig-");
  cpSync(SQLITE_FIXTURE, dir, { recursive: true });
  const walk = (p: string) => {
    chmodSync(p, statSync(p).isDirectory() ? 0o755 : 0o644);
    if (statSync(p).isDirectory()) for (const e of readdirSync(p)) walk(join(p, e));
  };
  walk(dir);
  return dir;
}
