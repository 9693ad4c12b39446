import { beforeAll, describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { REPO, tempDir } from "../helpers.ts";
import { requireBinary } from "./util.ts";

// The README's quick start works as written: its shell block, run by bash from the idse checkout with
// the freshly built dist/idse (`export PATH="$PWD/dist:$PATH"` is its first line), and nothing else.

beforeAll(requireBinary);

const README = readFileSync(join(REPO, "README.md"), "utf8");

function block(heading: string): string {
  const at = README.indexOf(`## ${heading}`);
  const m = /```sh\n([\s\S]*?)```/.exec(README.slice(at));
  if (at < 0 || !m) throw new Error(`no sh block under "## ${heading}"`);
  return m[1]!;
}

describe("README", () => {
  test("the quick start runs as written, up to a rendered report", () => {
    const tmp = tempDir();
    const script = block("Quick start");
    const r = spawnSync("bash", ["-euo", "pipefail", "-c", script], {
      cwd: REPO,
      env: { PATH: "/usr/bin:/bin", HOME: tmp, TMPDIR: tmp },
      encoding: "utf8",
    });
    expect({ code: r.status, stderr: r.stderr.split("\n").filter((l) => l.startsWith("error")) }).toEqual({
      code: 0,
      stderr: [],
    });
    const [dir] = readdirSync(tmp).filter((d) => d.startsWith("tmp."));
    const ws = join(tmp, dir!, "shop");
    expect(existsSync(join(ws, ".idse/report.html"))).toBe(true);
    expect(JSON.parse(readFileSync(join(ws, "idse.sarif"), "utf8")).version).toBe("2.1.0");
    expect(r.stdout).toContain("flowchart TD");
    expect(r.stdout).toContain("idse route");
    const owner = JSON.parse(
      readFileSync(join(ws, ".idse/projects/shop/sessions/billing/metadata/session.json"), "utf8"),
    ).owner;
    expect(owner).toBe("ana");
  }, 120_000);

  test("the sync walk-through runs as written after the quick start: push, pull, a conflict resolved", () => {
    const tmp = tempDir();
    // One shell, as a reader would type them: the walk-through continues in the quick start's directory.
    const script = `${block("Quick start")}\n${block("Sync with a remote")}\nidse next --json > next.json`;
    const r = spawnSync("bash", ["-euo", "pipefail", "-c", script], {
      cwd: REPO,
      env: { PATH: "/usr/bin:/bin", HOME: tmp, TMPDIR: tmp },
      encoding: "utf8",
    });
    // The conflict is the one error the walk-through shows on purpose.
    const errors = r.stderr.split("\n").filter((l) => /^(\S+: )?error\[/.test(l));
    expect({ code: r.status, errors: errors.map((l) => /error\[(\w+)\]/.exec(l)![1]) }).toEqual({
      code: 0,
      errors: ["SYNC_CONFLICT"],
    });
    expect(r.stdout).toContain("pushed   auth/intents/intent.md");
    expect(r.stdout).toContain("pulled   auth/intents/intent.md");
    const [dir] = readdirSync(tmp).filter((d) => d.startsWith("tmp."));
    const ws = join(tmp, dir!, "shop");
    const intent = ".idse/projects/shop/sessions/auth/intents/intent.md";
    // The merge (ours) reached the remote, the copy is gone, and nothing is left in conflict.
    expect(
      readFileSync(join(ws, "../design-backup/projects/shop/sessions/auth/intents/intent.md"), "utf8"),
    ).toBe(readFileSync(join(ws, intent), "utf8"));
    expect(readFileSync(join(ws, intent), "utf8")).toContain("Ours.");
    expect(existsSync(join(ws, intent.replace("intent.md", "intent.remote.md")))).toBe(false);
    const next = JSON.parse(readFileSync(join(ws, "next.json"), "utf8")).data;
    expect(next.counts.blocked).toBe(0);
  }, 180_000);

  test("the command table fits a 100-column terminal", () => {
    const table = README.split("\n").filter((l) => l.startsWith("| "));
    expect(table.length).toBeGreaterThan(10);
    for (const line of table) expect(line.length).toBeLessThanOrEqual(100);
  });
});
