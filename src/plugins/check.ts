import { existsSync, lstatSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { IdseError } from "../errors.ts";
import type { PluginLockEntry, VerifyProblem } from "../models/plugins.ts";
import { embeddedPlugin } from "./builtin.ts";
import { sri, treeIntegrity } from "./integrity.ts";
import { PLUGINS_DIR, pluginDir } from "./lockfile.ts";

// The check every installed plugin passes before any of its code runs, and what `idse plugin verify`
// reports. Every file of the folder is hashed (not only the entry: the entry may import a sibling), the
// set of files must be exactly the recorded one, no file may be a symbolic link (it would be followed),
// the package integrity is recomputed from the file list and must match plugins.json, and a plugin
// installed from this binary must be byte for byte the binary's own copy. A plugin is ~1 MB, so hashing
// all of it costs a few milliseconds, paid only by commands that load it.

export interface TreeOnDisk {
  /** Plain files, relative path (forward slashes) to sha512. */
  files: Record<string, string>;
  /** Symbolic links found (never followed, never hashed). */
  links: string[];
}

const isLink = (p: string) => {
  try {
    return lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
};

/**
 * The folders on the way to a plugin's files that are symbolic links (.idse/plugins, .idse/plugins/<name>):
 * through one, a check would hash, and a remove would delete, files outside the repository.
 */
export function linkedFolders(idseDir: string, name: string): string[] {
  const root = join(idseDir, PLUGINS_DIR);
  return [root, pluginDir(idseDir, name)].filter(isLink);
}

/** Refuses to change a plugin's folder through a symbolic link (PLUGIN_SYMLINK). */
export function refuseLinkedFolders(idseDir: string, name: string): void {
  const [link] = linkedFolders(idseDir, name);
  if (link) throw new IdseError("PLUGIN_SYMLINK", { plugin: name, file: link });
}

/** Every file below `dir`, without following links; a link is listed apart. */
export function readTree(dir: string): TreeOnDisk {
  const files: Record<string, string> = {};
  const links: string[] = [];
  const walk = (sub: string) => {
    for (const e of readdirSync(join(dir, sub), { withFileTypes: true })) {
      const rel = sub ? `${sub}/${e.name}` : e.name;
      if (e.isSymbolicLink()) links.push(rel);
      else if (e.isDirectory()) walk(rel);
      else files[rel] = sri(readFileSync(join(dir, rel)));
    }
  };
  if (existsSync(dir)) walk("");
  return { files, links: links.sort() };
}

/**
 * The package integrities plugins.json promises for the file list: files_integrity, and for builtin and
 * path installs `integrity` too (it is the same digest). Older tarball installs have neither.
 */
export function expectedTreeIntegrities(e: PluginLockEntry): string[] {
  const out = e.files_integrity ? [e.files_integrity] : [];
  if (e.source === "builtin" || e.source === "path") out.push(e.integrity);
  return out;
}

/** What `idse plugin add` takes to put this plugin back as recorded. */
export function reinstallSpec(e: PluginLockEntry): string {
  if (e.source === "builtin") return e.name;
  if (e.source === "registry") return `${e.package ?? e.name}@${e.version}`;
  // Recorded relative to the repository root; `plugin add` takes a folder only as ./path or /path.
  return e.source === "path" && !/^(\.{1,2}\/|\/|[a-zA-Z]:[\\/])/.test(e.resolved)
    ? `./${e.resolved}`
    : e.resolved;
}

export interface CheckResult {
  problems: VerifyProblem[];
  /** treeIntegrity of the files on disk: what would run, the key trust is recorded under. */
  integrity: string;
  /** Installed from this binary and identical to its copy: needs no trust. */
  bundled: boolean;
}

export async function checkInstalled(idseDir: string, e: PluginLockEntry): Promise<CheckResult> {
  if (linkedFolders(idseDir, e.name).length) {
    // Nothing below a linked folder is read: it is not the repository's.
    const integrity = treeIntegrity({});
    return { problems: [{ file: ".", problem: "symlink" }], integrity, bundled: false };
  }
  const disk = readTree(pluginDir(idseDir, e.name));
  const problems: VerifyProblem[] = [];
  for (const file of disk.links) problems.push({ file, problem: "symlink" });
  for (const [file, expected] of Object.entries(e.files)) {
    const got = disk.files[file];
    if (got === undefined) {
      if (!disk.links.includes(file)) problems.push({ file, problem: "missing", expected });
    } else if (got !== expected) problems.push({ file, problem: "modified", expected, actual: got });
  }
  for (const [file, got] of Object.entries(disk.files)) {
    if (!(file in e.files)) problems.push({ file, problem: "unexpected", actual: got });
  }
  // plugins.json must agree with itself: a per-file hash rewritten to fit a changed file, with the
  // package integrity left as it was (or the package integrity rewritten alone), is caught here.
  const recorded = treeIntegrity(e.files);
  const expected = expectedTreeIntegrities(e).find((x) => x !== recorded);
  if (expected !== undefined) {
    problems.push({ file: "plugins.json", problem: "integrity", expected, actual: recorded });
  }
  const integrity = treeIntegrity(disk.files);
  let bundled = false;
  if (e.source === "builtin") {
    const own = await embeddedPlugin(e.name);
    if (own && own.integrity !== integrity) {
      problems.push({
        file: "(bundled copy)",
        problem: "integrity",
        expected: own.integrity,
        actual: integrity,
      });
    }
    bundled = !!own && problems.length === 0;
  }
  return { problems, integrity, bundled };
}

/** Words for one problem, as `plugin verify` and the load error say them. */
export function describeProblem(name: string, x: VerifyProblem): string {
  const where =
    x.file === "plugins.json"
      ? ""
      : x.file === "."
        ? `.idse/plugins/${name}`
        : `.idse/plugins/${name}/${x.file}`;
  switch (x.problem) {
    case "symlink":
      return `${where} is a symbolic link`;
    case "unexpected":
      return `${where} is not part of the installed plugin`;
    case "integrity":
      return x.file === "plugins.json"
        ? `the integrity of ${name} in .idse/plugins.json does not match its file list`
        : `${name} differs from the copy bundled in this idse`;
    default:
      return `${where} is ${x.problem}`;
  }
}

/** Checks a plugin before loading it; the first problem stops the load with PLUGIN_INTEGRITY. */
export async function requireIntact(idseDir: string, e: PluginLockEntry): Promise<CheckResult> {
  const r = await checkInstalled(idseDir, e);
  const x = r.problems[0];
  if (x) {
    throw new IdseError("PLUGIN_INTEGRITY", {
      plugin: e.name,
      file: x.file === "plugins.json" ? ".idse/plugins.json" : `.idse/plugins/${e.name}/${x.file}`,
      expected: x.expected ?? "(nothing)",
      actual: x.actual ?? (x.problem === "symlink" ? "(a symbolic link)" : "(missing)"),
      problem: describeProblem(e.name, x),
      reinstall: reinstallSpec(e),
    });
  }
  return r;
}
