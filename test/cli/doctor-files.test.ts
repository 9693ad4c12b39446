import { describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { idse, initShop, tempDir } from "../helpers.ts";

// Every hint leads somewhere: a settings file that a command calls corrupt (hint: `idse doctor --fix`)
// is named by `idse doctor` and moved aside by `idse doctor --fix`, with the copy named; afterwards the
// command that failed works, and doctor finds nothing.

interface Case {
  name: string;
  /** The file, from the repository root and the home directory. */
  file: (cwd: string, home: string) => string;
  /** A command that reads it, run before (fails) and after (works). */
  argv: string[];
  arrange?: (cwd: string, home: string) => Promise<void>;
  bytes: string;
  /** A document of the DesignStore: copied aside through the store, so its mode is the store's. */
  inStore?: boolean;
}

const CASES: Case[] = [
  {
    name: ".idse/config.json that is not JSON",
    file: (cwd) => join(cwd, ".idse", "config.json"),
    argv: ["status"],
    bytes: '{"stack": "go",',
  },
  {
    name: ".idse/config.json that is not an object",
    file: (cwd) => join(cwd, ".idse", "config.json"),
    argv: ["config", "list"],
    bytes: "[1, 2]\n",
  },
  {
    name: ".idse/plugins.json that is not JSON",
    file: (cwd) => join(cwd, ".idse", "plugins.json"),
    argv: ["plugin", "list"],
    bytes: "{plugins",
  },
  {
    name: "the user's ~/.idseconfig.json that is not JSON",
    file: (_cwd, home) => join(home, ".idseconfig.json"),
    argv: ["status"],
    bytes: "owner = ana\n",
  },
  {
    name: "the user's credentials file with the wrong shape",
    file: (_cwd, home) => join(home, ".config", "idse", "credentials.json"),
    argv: ["sync", "status"],
    arrange: async (cwd, home) => {
      const r = await idse(["remote", "add", "team", join(cwd, "team.db"), "--plugin", "sqlite-store"], {
        cwd,
        home,
      });
      expect(r.code, r.stderr).toBe(0);
    },
    bytes: '{"remotes": {"team": "s3cret-token"}}\n',
  },
  {
    name: "a sync base that is not JSON",
    file: (cwd) => join(cwd, ".idse", "projects", "shop", "sync", "backup.json"),
    argv: ["sync", "status"],
    arrange: async (cwd, home) => {
      const remote = tempDir("idse-remote-");
      expect((await idse(["remote", "add", "backup", remote], { cwd, home })).code).toBe(0);
      expect((await idse(["sync", "push"], { cwd, home })).code).toBe(0);
    },
    bytes: '{"remote": "backup", "artifacts": {',
    inStore: true,
  },
];

describe("doctor --fix moves aside every corrupt settings file a command names", () => {
  for (const c of CASES) {
    test(c.name, async () => {
      const cwd = await initShop("--no-create-agent-files");
      const home = tempDir("idse-home-");
      const o = { cwd, home };
      await c.arrange?.(cwd, home);
      const file = c.file(cwd, home);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, c.bytes, { mode: 0o600 });

      const failed = await idse([...c.argv, "--json"], o);
      expect(failed.code).toBe(1);
      const err = failed.json!.diagnostics[0];
      expect(err.code).toBe("CORRUPT_FILE");
      expect(err.hint).toContain("`idse doctor --fix`");
      expect(JSON.stringify(failed.json)).not.toContain("s3cret-token");

      const check = await idse(["doctor", "--json"], o);
      expect(check.code).toBe(1);
      const finding = check.json!.data.findings.find((f: { code: string; file: string }) =>
        file.endsWith(f.file),
      );
      expect(finding).toMatchObject({ code: "CORRUPT_FILE", fixed: false });
      expect(readFileSync(file, "utf8")).toBe(c.bytes);

      const fix = await idse(["doctor", "--fix", "--json"], o);
      expect(fix.code, fix.stdout).toBe(0);
      expect(existsSync(file)).toBe(false);
      const aside = readdirSync(dirname(file)).filter((f) =>
        f.startsWith(`${file.split("/").pop()}.corrupt-`),
      );
      expect(aside).toHaveLength(1);
      const moved = join(dirname(file), aside[0]!);
      expect(readFileSync(moved, "utf8")).toBe(c.bytes);
      // A rename: the copy keeps the file's mode (a credentials file stays private).
      if (!c.inStore) expect(statSync(moved).mode & 0o777).toBe(0o600);
      const said = fix.json!.diagnostics.find((d: { code: string }) => d.code === "CORRUPT_FILE");
      expect(moved.endsWith(said.moved_to)).toBe(true);
      expect(said.message).toContain(`moved aside to ${said.moved_to}`);
      expect(JSON.stringify(fix.json)).not.toContain("s3cret-token");

      const again = await idse(c.argv, o);
      expect(again.code, again.stderr).toBe(0);
      const clean = await idse(["doctor", "--json"], o);
      expect(clean.code).toBe(0);
      expect(clean.json!.data.findings).toEqual([]);
    });
  }

  test("without --fix, a corrupt config.json is reported, not thrown, and nothing is moved", async () => {
    const cwd = await initShop("--no-create-agent-files");
    writeFileSync(join(cwd, ".idse", "config.json"), "nope");
    const r = await idse(["doctor"], { cwd });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(".idse/config.json: not valid JSON");
    expect(r.stdout).toContain("Run `idse doctor --fix` to repair them.");
    expect(readFileSync(join(cwd, ".idse", "config.json"), "utf8")).toBe("nope");
  });
});
