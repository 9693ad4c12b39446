import { createHash } from "node:crypto";
import {
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { dirname, join } from "node:path";
import { tempDir } from "../helpers.ts";

// The symlink corpus, shared by the in-process suite (test/paths/symlinks.test.ts) and the compiled
// binary's (test/e2e/paths.test.ts): for each command that reads or writes, a workspace in which one
// path on its way is a symlink to a folder outside the repository. Every case must be refused with
// PATH_OUTSIDE_WORKSPACE, and the outside folder must be byte for byte what it was.

export const PROJECT = "shop";
export const SECRET = "OUTSIDE-ONLY: this text lives outside the repository";

/** Everything below `dir`, symlinks not followed: path → type, mode and content hash (or link target). */
export function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (p: string, rel: string) => {
    const st = lstatSync(p);
    const mode = (st.mode & 0o7777).toString(8);
    if (st.isSymbolicLink()) out[rel] = `link ${readlinkSync(p)}`;
    else if (st.isDirectory()) {
      out[rel] = `dir ${mode}`;
      for (const name of readdirSync(p).sort()) walk(join(p, name), rel ? `${rel}/${name}` : name);
    } else out[rel] = `file ${mode} ${createHash("sha256").update(readFileSync(p)).digest("hex")}`;
  };
  walk(dir, "");
  return out;
}

/**
 * Moves `rel` (a file or folder of the repository) to `outside/<name>`, and leaves a symlink to it in its
 * place: the command then finds everything it expects, only through a link that leads out. A path that
 * does not exist yet becomes a link to an empty folder outside (or to a file holding SECRET, with `file`).
 */
export function linkOut(repo: string, rel: string, outside: string, o: { file?: boolean } = {}): string {
  const inside = join(repo, rel);
  const target = join(outside, rel.replace(/[\\/]/g, "__"));
  if (existsSync(inside)) {
    cpSync(inside, target, { recursive: true });
    rmSync(inside, { recursive: true, force: true });
  } else if (o.file) {
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, SECRET);
  } else mkdirSync(target, { recursive: true });
  mkdirSync(dirname(inside), { recursive: true });
  symlinkSync(target, inside);
  return target;
}

/** A folder outside every repository, with a file of its own the commands must never touch. */
export function outsideDir(): string {
  const dir = tempDir("idse-outside-");
  mkdirSync(join(dir, "victim"));
  writeFileSync(join(dir, "victim", "notes.md"), SECRET);
  return dir;
}

export const sessionDir = (session: string) => `.idse/projects/${PROJECT}/sessions/${session}`;

/** A spec with an Agent Profile block, so `compile agent-spec` has something to write. */
export const PROFILE_SPEC = `# Spec: shop

## Agent Profile

\`\`\`yaml
id: billing-agent
name: Billing Agent
description: Bills customers.
goals:
  - Send invoices
tools: [git]
runtime_hints:
  mode: implementation
\`\`\`

## Open Questions

None.
`;
