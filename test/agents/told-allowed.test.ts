import { describe, expect, test } from "bun:test";
import { realpathSync } from "node:fs";
import TEXTS from "../../src/generated/templates.json" with { type: "json" };
import { bashProblem, type Policy } from "../../src/hooks/claude.ts";
import { idse, tempDir } from "../helpers.ts";

// What idse tells a planning agent to run, it lets it run. The instruction files' "How to work" steps and
// the route's handoff (its "Then run" commands and the Product Spine doctrine) name idse commands; each,
// with its placeholders filled in, must pass the Claude Code hook's planning-mode policy. (A new-user
// review found the handoff telling the agent to run `idse session set-stage` and `idse spine propose`,
// which the hook then denied.)

const PLANNING = ["intent", "context", "spec", "plan", "tasks", "feedback"] as const;
/** The default registry's answer: every planning stage may be marked (no hand-over to a Claude Code implementer). */
const markStage = (_session: string | undefined, stage: string) =>
  (PLANNING as readonly string[]).includes(stage) ? undefined : `stage ${stage} is not a planning stage`;

const PLACEHOLDERS: Record<string, string> = {
  "<path>": "notes/spec.md",
  "<session>": "auth",
  "<stage>": "spec",
  "<name>": "QuotaKeeper",
  "<area>": "Platform",
  "<layer>": "Core",
  "<why>": "limits",
};

/** The idse commands quoted (in backticks) in `text`, placeholders filled in. */
function quotedCommands(text: string): string[] {
  return [...text.matchAll(/`(idse [^`]+)`/g)].map((m) =>
    m[1]!.replace(/<[a-z]+>/g, (p) => {
      const value = PLACEHOLDERS[p];
      if (value === undefined) throw new Error(`no value for ${p} in ${m[1]}`);
      return value;
    }),
  );
}

function section(markdown: string, heading: string): string {
  const at = markdown.indexOf(`## ${heading}\n`);
  if (at < 0) throw new Error(`no section ${heading}`);
  const end = markdown.indexOf("\n## ", at + 1);
  return markdown.slice(at, end < 0 ? undefined : end);
}

async function ok(argv: string[], cwd: string) {
  const r = await idse([...argv, "--json"], { cwd });
  if (r.code !== 0) throw new Error(`idse ${argv.join(" ")}: exit ${r.code}\n${r.stdout}${r.stderr}`);
  return r.json!;
}

describe("what a planning agent is told to run, the hook lets it run", () => {
  test("the instruction files' steps", () => {
    const root = realpathSync(tempDir());
    const policy: Policy = { mode: "planning", root, project: "shop", markStage };
    const steps = section(TEXTS["agents/instructions.md"], "How to work");
    const commands = quotedCommands(steps).filter((c) => !c.includes("…"));
    expect(commands).toContain("idse session set-stage auth --stage spec --status completed");
    for (const c of commands)
      expect({ c, problem: bashProblem(c, policy, root) }).toEqual({ c, problem: undefined });
  });

  test("every planning stage's handoff, with a Product Spine declared", async () => {
    const root = realpathSync(tempDir());
    await ok(["init", "shop", "-q"], root);
    await ok(["session", "create", "auth"], root);
    await ok(["spine", "propose", "Cart", "--area", "Shop", "--layer", "Core", "--reason", "carts"], root);
    await ok(["spine", "accept", "Cart"], root);
    const policy: Policy = { mode: "planning", root, project: "shop", markStage };
    for (const stage of PLANNING) {
      const route = await ok(["route", stage, "--session", "auth"], root);
      const { markdown, commands } = route.data.handoff;
      const told = [
        ...quotedCommands(section(markdown, "Product Spine")),
        ...quotedCommands(section(markdown, "Then run")),
      ];
      expect(told).toContain(`idse session set-stage auth --stage ${stage} --status completed`);
      expect(told).toContain("idse spine propose QuotaKeeper --area Platform --layer Core --reason limits");
      expect(commands.length).toBeGreaterThan(0);
      for (const c of told) {
        expect({ stage, c, problem: bashProblem(c, policy, root) }).toEqual({ stage, c, problem: undefined });
      }
    }
  });
});
