import { expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { sha256 } from "../../scripts/release.ts";
import { REPO, tempDir } from "../helpers.ts";

// The release script for the host target only: cross targets are fetched from the registry, which a
// test should not depend on; `npm run release` builds all four.
test("release writes a working binary and a matching SHA256SUMS", () => {
  const out = tempDir("idse-release-");
  const host = process.arch === "arm64" ? "bun-linux-arm64" : "bun-linux-x64";
  if (process.platform !== "linux") return;
  const r = spawnSync(process.execPath, ["scripts/release.ts", "--out", out, "--only", host], {
    cwd: REPO,
    encoding: "utf8",
  });
  expect(r.status).toBe(0);
  const [line] = readFileSync(join(out, "SHA256SUMS"), "utf8").trim().split("\n");
  const [sum, name] = line!.split(/\s+/);
  expect(sum).toBe(sha256(join(out, name!)));
  const v = spawnSync(join(out, name!), ["--version"], { encoding: "utf8" });
  expect(v.stdout).toMatch(/^idse \d+\.\d+\.\d+/);
}, 120_000);
