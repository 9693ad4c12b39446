import { describe, expect, test } from "bun:test";
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { IdseError } from "../../src/errors.ts";
import { approve, readTrust, requireTrusted, revoke, trustPath } from "../../src/plugins/trust.ts";
import { tempDir } from "../helpers.ts";

// The user's approvals (src/plugins/trust.ts): where they live, what they are keyed by, and what an
// approval covers. The end-to-end behaviour (a cloned repository) is in test/e2e/trust.test.ts.

const plugin = (integrity: string, env: string[] = []) => ({
  kind: "plugin" as const,
  name: "p",
  version: "1.0.0",
  source: "path: p",
  integrity: `sha512-${integrity.repeat(86).slice(0, 86)}==`,
  env,
  hosts: [],
});

function refused(fn: () => void): string | undefined {
  try {
    fn();
  } catch (err) {
    if (err instanceof IdseError) return err.code;
    throw err;
  }
  return undefined;
}

describe("workspace trust", () => {
  test("the file is in XDG_CONFIG_HOME/idse, else ~/.config/idse, never in the repository", () => {
    const home = tempDir();
    expect(trustPath({ env: {}, home })).toBe(join(home, ".config", "idse", "trust.json"));
    expect(trustPath({ env: { XDG_CONFIG_HOME: "/x" }, home })).toBe("/x/idse/trust.json");
  });

  test("an approval covers these bytes and these grants, in this repository (by its real path)", async () => {
    const te = { env: {}, home: tempDir() };
    const repo = tempDir();
    const link = join(tempDir(), "link");
    symlinkSync(repo, link);
    expect(refused(() => requireTrusted(te, repo, [plugin("a")]))).toBe("WORKSPACE_UNTRUSTED");
    await approve(te, link, [plugin("a")], "2026-01-01T00:00:00Z", true);
    expect(refused(() => requireTrusted(te, repo, [plugin("a")]))).toBeUndefined();
    expect(Object.keys(readTrust(te).repositories)).toEqual([repo]);
    // Other bytes, a wider grant, another repository: not approved.
    expect(refused(() => requireTrusted(te, repo, [plugin("b")]))).toBe("WORKSPACE_UNTRUSTED");
    expect(refused(() => requireTrusted(te, repo, [plugin("a", ["AWS_SECRET_ACCESS_KEY"])]))).toBe(
      "WORKSPACE_UNTRUSTED",
    );
    expect(refused(() => requireTrusted(te, tempDir(), [plugin("a")]))).toBe("WORKSPACE_UNTRUSTED");
    // IDSE_TRUST=all, for CI images.
    expect(
      refused(() => requireTrusted({ ...te, env: { IDSE_TRUST: "all" } }, tempDir(), [plugin("b")])),
    ).toBe(undefined);
    expect(await revoke(te, repo)).toBe(true);
    expect(await revoke(te, repo)).toBe(false);
    expect(refused(() => requireTrusted(te, repo, [plugin("a")]))).toBe("WORKSPACE_UNTRUSTED");
  });

  test("a command is approved with its exact arguments and working directory", async () => {
    const te = { env: {}, home: tempDir() };
    const repo = tempDir();
    const cmd = { kind: "command" as const, name: "core", command: ["srv", "--stdio"], cwd: null };
    await approve(te, repo, [cmd], "2026-01-01T00:00:00Z", false);
    expect(refused(() => requireTrusted(te, repo, [cmd]))).toBeUndefined();
    expect(refused(() => requireTrusted(te, repo, [{ ...cmd, command: ["srv", "--evil"] }]))).toBe(
      "WORKSPACE_UNTRUSTED",
    );
    expect(refused(() => requireTrusted(te, repo, [{ ...cmd, cwd: "elsewhere" }]))).toBe(
      "WORKSPACE_UNTRUSTED",
    );
  });

  test("a damaged trust file is a clear error, never an approval", () => {
    const te = { env: {}, home: tempDir() };
    mkdirSync(join(te.home, ".config", "idse"), { recursive: true });
    writeFileSync(trustPath(te), "{");
    expect(refused(() => requireTrusted(te, tempDir(), [plugin("a")]))).toBe("INVALID_FILE");
    writeFileSync(trustPath(te), JSON.stringify({ repositories: { "/r": { plugins: 1 } } }));
    expect(refused(() => requireTrusted(te, "/r", [plugin("a")]))).toBe("INVALID_FILE");
    expect(readFileSync(trustPath(te), "utf8")).toContain("plugins");
  });
});
