import { afterAll, afterEach } from "bun:test";
import { removeTempDirs } from "./helpers.ts";

// Loaded before every test file (bunfig.toml, [test] preload): hooks registered here apply to all of them.
afterEach(removeTempDirs);
afterAll(removeTempDirs);
