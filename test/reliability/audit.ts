import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { BINARY } from "../helpers.ts";

// What the reliability harnesses check after recovery, read straight from disk (filesystem store): the
// objects a crash could leave half made or out of step, and the debris it could leave behind.

export interface Audit {
  /** Session folders without metadata/session.json (the file written last). */
  halfMade: string[];
  /** Projects whose session_state.json disagrees with CURRENT_SESSION or the session's stage_state.json. */
  disagreeing: string[];
  /** idse temp files, intent or migration journals, and lock files left behind. */
  leftovers: string[];
  /** JSON files that do not parse. */
  corrupt: string[];
}

const readJson = (file: string): unknown => JSON.parse(readFileSync(file, "utf8"));

export function audit(cwd: string): Audit {
  const idse = join(cwd, ".idse");
  const a: Audit = { halfMade: [], disagreeing: [], leftovers: [], corrupt: [] };
  for (const rel of readdirSync(idse, { recursive: true, encoding: "utf8" })) {
    const name = rel.split("/").at(-1)!;
    if (name.endsWith(".tmp") || name === ".idse-intent.json" || name === ".idse-migrate.json") {
      a.leftovers.push(rel);
    } else if (name === ".idse.lock") {
      a.leftovers.push(rel);
    } else if (name.endsWith(".json") && !rel.startsWith("plugins/")) {
      try {
        readJson(join(idse, rel));
      } catch {
        a.corrupt.push(rel);
      }
    }
  }
  const projects = join(idse, "projects");
  for (const project of existsSync(projects) ? readdirSync(projects) : []) {
    const dir = join(projects, project);
    const sessions = join(dir, "sessions");
    if (!existsSync(sessions)) continue;
    for (const s of readdirSync(sessions)) {
      if (!existsSync(join(sessions, s, "metadata", "session.json"))) a.halfMade.push(`${project}/${s}`);
    }
    const stateFile = join(dir, "session_state.json");
    if (!existsSync(stateFile)) continue;
    try {
      const state = readJson(stateFile) as { session_id: string; stages: unknown; validation_status: string };
      const current = readFileSync(join(dir, "CURRENT_SESSION"), "utf8").trim();
      if (current !== state.session_id) a.disagreeing.push(`${project}: CURRENT_SESSION ${current}`);
      const own = join(sessions, state.session_id, "metadata", "stage_state.json");
      if (existsSync(own)) {
        const doc = readJson(own) as { stages: unknown; validation_status: string };
        const same =
          JSON.stringify(doc.stages) === JSON.stringify(state.stages) &&
          doc.validation_status === state.validation_status;
        if (!same) a.disagreeing.push(`${project}: stages of ${state.session_id}`);
      }
    } catch {
      // counted as corrupt above
    }
  }
  return a;
}

export const problems = (a: Audit) =>
  a.halfMade.length + a.disagreeing.length + a.leftovers.length + a.corrupt.length;

export interface Exit {
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
}

/** Runs the binary; with `killAfterMs`, sends SIGKILL that long after the start. */
export async function spawnIdse(
  args: string[],
  cwd: string,
  o: { killAfterMs?: number; env?: Record<string, string> } = {},
): Promise<Exit> {
  const p = Bun.spawn([BINARY, ...args], {
    cwd,
    env: { HOME: cwd, PATH: process.env.PATH ?? "", ...o.env },
    stdout: "pipe",
    stderr: "pipe",
    stdin: "ignore",
  });
  if (o.killAfterMs !== undefined) {
    const wait = o.killAfterMs;
    (async () => {
      if (wait > 0) await Bun.sleep(wait);
      p.kill(9);
    })();
  }
  const [stdout, stderr] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text()]);
  await p.exited;
  return { code: p.exitCode, signal: p.signalCode ? String(p.signalCode) : null, stdout, stderr };
}
