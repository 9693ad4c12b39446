import { expect, test } from "bun:test";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { idseDeno, tempDir } from "../helpers.ts";
import { secretCorpus } from "./corpus.ts";

// Sync runs from source on Deno too (DESIGN.md §3): the secret rulesets and the plugin manifest are JSON
// imports, secretlint's preset an npm import, hashing falls back to node:crypto, and the filesystem remote
// uses node:fs only.

const deno = idseDeno;

test("on Deno: remote add, push, status", () => {
  const cwd = tempDir("idse-deno-sync-");
  const remote = join(tempDir("idse-deno-remote-"), "store");
  expect(deno(["init", "shop", "--no-create-agent-files", "-q"], cwd).code).toBe(0);
  expect(deno(["remote", "add", "backup", remote], cwd).code).toBe(0);
  const push = deno(["sync", "push", "--json"], cwd);
  expect(push.code, push.stderr).toBe(0);
  expect(JSON.parse(push.stdout).data.moved).toBe(7);
  expect(existsSync(join(remote, "projects/shop/sessions/__blueprint__/specs/spec.md"))).toBe(true);
  const status = deno(["sync", "status", "--json"], cwd);
  expect(JSON.parse(status.stdout).data.counts.unchanged).toBe(7);
  // The guard runs there too: secretlint's preset and a translated gitleaks rule.
  const leaks = ["openai-project-key", "mailgun-private"].map(
    (f) => secretCorpus().find((c) => c.format === f)!,
  );
  const spec = join(cwd, ".idse/projects/shop/sessions/__blueprint__/specs/spec.md");
  writeFileSync(spec, `# Spec\n\n${leaks.map((c) => c.text).join("\n")}\n`);
  const blocked = deno(["sync", "push", "--json"], cwd);
  expect(blocked.code).toBe(1);
  const rules = JSON.parse(blocked.stdout).diagnostics.map((d: { rule?: string }) => d.rule);
  expect(rules).toEqual(leaks.map((c) => c.rule));
}, 120_000);

test("on Deno: a store plugin as a remote, the bundled copy loaded through the plugin host", () => {
  const cwd = tempDir("idse-deno-sync-");
  const db = join(tempDir("idse-deno-remote-"), "team.db");
  expect(deno(["init", "shop", "--no-create-agent-files", "-q"], cwd).code).toBe(0);
  expect(deno(["remote", "add", "team", db, "--plugin", "sqlite-store"], cwd).code).toBe(0);
  const push = deno(["sync", "push", "--json"], cwd);
  expect(push.code, push.stderr).toBe(0);
  expect(JSON.parse(push.stdout).data.moved).toBe(7);
  expect(existsSync(db)).toBe(true);
  expect(JSON.parse(deno(["sync", "status", "--json"], cwd).stdout).data.counts.unchanged).toBe(7);
}, 120_000);
