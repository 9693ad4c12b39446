import { type Dirent, readdirSync, statSync } from "node:fs";
import { isInside } from "./path-guard.ts";

// A folder's whole tree, listed one readdir per folder. Not Bun's recursive readdir: it follows symlinked
// folders, so a link to / or to the folder's own parent (a cloned repository can hold one) made a
// one-session `validate` list the whole disk, or never end. Here a symlink is always listed by its name,
// and its folder is entered only when the caller allows it (`follow`), and only when it is outside the
// walk's own folder (which the walk lists anyway) and holds no part of it, and was not entered through
// another link. So the walk always ends; a folder reached by two ways (a link to docs/ and one to
// docs/old/) is listed under both names.

export interface WalkOptions {
  /**
   * The real path a symlink at `path` leads to, when the walk may list what is there; undefined lists the
   * link by its name only. It may throw: a filesystem store refuses a link that leads out of the
   * repository (PATH_OUTSIDE_WORKSPACE), as its reads do. Without it no link is entered.
   */
  follow?: (path: string) => string | undefined;
  /** The real path of `dir` (required with `follow`): a link back to it or above it is not entered. */
  real?: string;
  /** Sees each entry as it is listed; false ends the walk, which then returns undefined. */
  visit?: (rel: string, entry: Dirent) => boolean | undefined;
}

/**
 * Every entry below `dir`, as '/'-separated paths relative to it, in no particular order. Throws what
 * readdir throws for `dir` itself (ENOENT, ENOTDIR) and for any folder below it.
 */
export function walkTree(dir: string, o: WalkOptions = {}): string[] | undefined {
  const out: string[] = [];
  const entered = new Set<string>();
  const folders: [rel: string, abs: string][] = [["", dir]];
  for (let next = folders.pop(); next !== undefined; next = folders.pop()) {
    const [rel, abs] = next;
    for (const e of readdirSync(abs, { withFileTypes: true })) {
      const path = rel ? `${rel}/${e.name}` : e.name;
      if (o.visit?.(path, e) === false) return undefined;
      out.push(path);
      const at = `${abs}/${e.name}`;
      if (e.isDirectory()) folders.push([path, at]);
      else if (e.isSymbolicLink() && o.follow) {
        const to = o.follow(at);
        if (to === undefined || entered.has(to)) continue;
        // Already walked (the walk's own tree) or holding it: a link back is a loop.
        if (o.real !== undefined && (isInside(to, o.real) || isInside(o.real, to))) continue;
        if (!statSync(to, { throwIfNoEntry: false })?.isDirectory()) continue;
        entered.add(to);
        folders.push([path, to]);
      }
    }
  }
  return out;
}
