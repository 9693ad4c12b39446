import { afterAll, afterEach, setDefaultTimeout } from "bun:test";
import { buildIfStale } from "./build-fresh.ts";

// Loaded before every test file (bunfig.toml, [test] preload): hooks registered here apply to all of them.

// bun ignores bunfig.toml's [test] timeout: without this every test has 5 s, which a busy 2-core machine
// overruns (a --dry-run migration failed at 5,014 ms beside a CPU burner). A test that needs more says so.
setDefaultTimeout(30_000);

// First, what the tests run must exist and be current: src/generated/plugins.ts and dist/idse
// (test/build-fresh.ts). helpers.ts is imported after, since it loads the CLI.
buildIfStale();
const { emptyTrashInBackground, removeTempDirs } = await import("./helpers.ts");

afterEach(removeTempDirs);
afterAll(() => {
  removeTempDirs();
  emptyTrashInBackground();
});
