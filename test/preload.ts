import { afterAll, afterEach } from "bun:test";
import { buildIfStale } from "./build-fresh.ts";

// Loaded before every test file (bunfig.toml, [test] preload): hooks registered here apply to all of them.

// First, what the tests run must exist and be current: src/generated/plugins.ts and dist/idse
// (test/build-fresh.ts). helpers.ts is imported after, since it loads the CLI.
buildIfStale();
const { emptyTrashInBackground, removeTempDirs } = await import("./helpers.ts");

afterEach(removeTempDirs);
afterAll(() => {
  removeTempDirs();
  emptyTrashInBackground();
});
