import { afterAll, afterEach, setDefaultTimeout } from "bun:test";
import { buildIfStale } from "./build-fresh.ts";

// Loaded before every test file (bunfig.toml, [test] preload): hooks registered here apply to all of them.

// A test has 5 s by default, which a busy 2-core machine overruns (a --dry-run migration failed at 5,014 ms
// beside a CPU burner). bun ignores bunfig.toml's [test] timeout, and (Bun 1.4.4) a setDefaultTimeout here
// holds for the first test file only, so the 30 s that counts is `--timeout=30000` on the command line:
// `npm test` (scripts/test.ts) and `npm run test:unit` pass it. This call still covers a one-file run.
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
