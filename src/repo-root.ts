import { existsSync } from "node:fs";
import { dirname, join, relative } from "node:path";

// Where a report's paths start. Code scanning (SARIF) and CI dashboards resolve paths from the root of
// the repository that was checked out, which is not the workspace root when `.idse/` lives in a
// sub-folder of a monorepo (services/api/.idse). Git marks that root with `.git` (a folder, or a file in
// a worktree or submodule); without git, the workspace root is the best answer there is.

/** The nearest folder at or above `workspaceRoot` that holds `.git`, else `workspaceRoot` itself. */
export function repositoryRoot(workspaceRoot: string): string {
  for (let dir = workspaceRoot; ; dir = dirname(dir)) {
    if (existsSync(join(dir, ".git"))) return dir;
    if (dirname(dir) === dir) return workspaceRoot;
  }
}

/** The prefix (forward slashes, ending in "/" unless empty) that makes a workspace path repository-relative. */
export function repositoryPrefix(workspaceRoot: string): string {
  const rel = relative(repositoryRoot(workspaceRoot), workspaceRoot).replace(/\\/g, "/");
  return rel ? `${rel}/` : "";
}
