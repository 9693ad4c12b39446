import { beforeAll, describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { REPO, tempDir } from "../helpers.ts";
import { requireBinary } from "./util.ts";

// `npm run demo` (scripts/demo.sh) shows every capability, and every command it echoes can be copied:
// each `$ …` line is valid shell as printed.

beforeAll(requireBinary);

describe("the demo", () => {
  test("runs, shows every capability, and echoes commands that parse as typed", () => {
    const tmp = tempDir();
    const r = spawnSync("bash", [join(REPO, "scripts/demo.sh")], {
      env: { PATH: "/usr/bin:/bin", TMPDIR: tmp },
      encoding: "utf8",
    });
    expect({ code: r.status, stderr: r.stderr }).toEqual({ code: 0, stderr: "" });
    const commands = r.stdout.split("\n").filter((l) => l.startsWith("$ "));
    for (const shown of [
      "$ idse init customer-portal --owner demo",
      "$ idse spawn billing --plan feature --description 'Stripe billing'",
      "$ idse validate --all --format sarif --output idse.sarif",
      "$ idse route --next",
      "$ idse next",
      "$ idse agents install-hooks",
      "$ idse plugin add sqlite-store --yes",
      "$ idse compile agent-spec --session auth --format json",
      "$ idse sync pull --session auth",
      "$ idse sync push --session auth",
      "$ idse graph",
      "$ idse report",
      "$ idse completion bash | head -3",
    ]) {
      expect(commands).toContain(shown);
    }
    expect(commands.some((c) => c.includes("| idse hook claude-pre-tool-use"))).toBe(true);
    // The conflict is shown and resolved on screen: the remote copy, the merge, the push.
    expect(r.stdout).toContain("error[SYNC_CONFLICT]");
    expect(commands.some((c) => /^\$ cat .*intent\.remote\.md$/.test(c))).toBe(true);
    expect(commands.some((c) => /^\$ rm .*intent\.remote\.md$/.test(c))).toBe(true);
    expect(r.stdout).toContain("0 in conflict");
    expect(r.stdout).toContain('"permissionDecision":"deny"');
    for (const c of commands) {
      const check = spawnSync("bash", ["-n", "-c", c.slice(2)], { encoding: "utf8" });
      expect({ c, code: check.status }).toEqual({ c, code: 0 });
    }
  }, 120_000);
});
