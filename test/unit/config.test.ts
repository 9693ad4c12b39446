import { describe, expect, test } from "bun:test";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { envName, loadConfig, setRepoConfig } from "../../src/config.ts";
import { IdseError } from "../../src/errors.ts";
import { tempDir } from "../helpers.ts";

function setup() {
  const home = tempDir("idse-home-");
  const repo = tempDir("idse-repo-");
  const idseDir = join(repo, ".idse");
  mkdirSync(idseDir);
  return { home, idseDir };
}

describe("ArtifactConfig layering", () => {
  test("defaults < home < repo < env < flags", () => {
    const { home, idseDir } = setup();
    expect(loadConfig({ home, idseDir, env: {} }).values.owner).toBe("system");
    writeFileSync(
      join(home, ".idseconfig.json"),
      JSON.stringify({ owner: "home", stack: "go", storage_backend: "sqlite" }),
    );
    let c = loadConfig({ home, idseDir, env: {} });
    expect([c.values.owner, c.sources.owner, c.values.stack]).toEqual(["home", "home", "go"]);
    writeFileSync(
      join(idseDir, "config.json"),
      JSON.stringify({ owner: "repo", stages: { auto_detect: true } }),
    );
    c = loadConfig({ home, idseDir, env: {} });
    expect([c.values.owner, c.sources.owner, c.values["stages.auto_detect"]]).toEqual(["repo", "repo", true]);
    c = loadConfig({ home, idseDir, env: { IDSE_OWNER: "env", IDSE_STAGES_AUTO_DETECT: "false" } });
    expect([c.values.owner, c.sources.owner, c.values["stages.auto_detect"]]).toEqual(["env", "env", false]);
    c = loadConfig({ home, idseDir, env: { IDSE_OWNER: "env" }, flags: { owner: "flag" } });
    expect([c.values.owner, c.sources.owner]).toEqual(["flag", "flag"]);
  });

  test("an invalid value names the key and the file", () => {
    const { home, idseDir } = setup();
    writeFileSync(join(idseDir, "config.json"), JSON.stringify({ lock: { timeout_ms: "soon" } }));
    try {
      loadConfig({ home, idseDir, env: {} });
      throw new Error("accepted");
    } catch (err) {
      expect((err as IdseError).code).toBe("INVALID_CONFIG");
      expect((err as IdseError).message).toContain("lock.timeout_ms");
      expect((err as IdseError).message).toContain(join(idseDir, "config.json"));
    }
    expect(() =>
      loadConfig({ home, idseDir: undefined, env: { [envName("lock.timeout_ms")]: "-1" } }),
    ).toThrow(/IDSE_LOCK_TIMEOUT_MS/);
  });

  test("a file that is not JSON is reported as corrupt", () => {
    const { home, idseDir } = setup();
    writeFileSync(join(home, ".idseconfig.json"), "{ nope");
    expect(() => loadConfig({ home, idseDir, env: {} })).toThrow(/\.idseconfig\.json is corrupt/);
  });

  test("set writes only the repository file, keeping other keys", async () => {
    const { home, idseDir } = setup();
    writeFileSync(join(home, ".idseconfig.json"), '{"owner":"home"}');
    writeFileSync(join(idseDir, "config.json"), '{"custom":{"kept":1}}');
    expect(await setRepoConfig(idseDir, "stages.auto_detect", "yes")).toBe(true);
    expect(await setRepoConfig(idseDir, "lock.timeout_ms", "250")).toBe(250);
    expect(JSON.parse(readFileSync(join(idseDir, "config.json"), "utf8"))).toEqual({
      custom: { kept: 1 },
      stages: { auto_detect: true },
      lock: { timeout_ms: 250 },
    });
    expect(readFileSync(join(home, ".idseconfig.json"), "utf8")).toBe('{"owner":"home"}');
    await expect(setRepoConfig(idseDir, "lock.timeout_ms", "later")).rejects.toThrow(IdseError);
  });
});
