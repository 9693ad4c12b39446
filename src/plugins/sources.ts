import { copyFileSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, statSync } from "node:fs";
import { basename, dirname, isAbsolute, join, relative, resolve } from "node:path";
import { IdseError } from "../errors.ts";
import type { PluginLockEntry } from "../models/plugins.ts";
import { embeddedPlugin, embeddedPlugins, isCore } from "./builtin.ts";
import { hashTree, sri, treeIntegrity } from "./integrity.ts";
import { readManifest } from "./manifest.ts";
import { type FetchEnv, fromRegistry, parseRegistrySpec, type RegistrySpec } from "./registry.ts";
import { readTarball, writeFiles } from "./tarball.ts";

// Where a plugin's bytes come from: the binary (builtin), a folder (path), a .tgz (tarball) or an npm
// registry. Each source writes the package's files into a staging folder and says what to record.

export type Source =
  | { source: "builtin"; name: string }
  | { source: "path"; dir: string }
  | { source: "tarball"; file: string }
  | { source: "registry"; spec: RegistrySpec };

export interface Staged {
  source: PluginLockEntry["source"];
  resolved: string;
  integrity: string;
  package?: string;
}

const TARBALL = /\.(tgz|tar\.gz)$/i;
const PATHLIKE = /^(\.{1,2}([\\/]|$)|[\\/]|~[\\/]|[a-zA-Z]:[\\/])/;

export async function classify(spec: string, cwd: string, home: string): Promise<Source> {
  const raw = spec.startsWith("file:") ? spec.slice(5) : spec;
  if (PATHLIKE.test(raw) || TARBALL.test(raw) || spec.startsWith("file:")) {
    const abs = resolve(cwd, raw.startsWith("~") ? join(home, raw.slice(2)) : raw);
    if (!existsSync(abs))
      throw new IdseError("IO_ERROR", { op: "read", file: abs, reason: "no such file or folder" });
    if (statSync(abs).isDirectory()) return { source: "path", dir: abs };
    if (TARBALL.test(abs)) return { source: "tarball", file: abs };
    throw new IdseError("PLUGIN_SPEC_INVALID", { spec, reason: "a file plugin must be a .tgz tarball" });
  }
  if (isCore(spec)) throw new IdseError("PLUGIN_CORE", { plugin: spec });
  if (await embeddedPlugin(spec)) return { source: "builtin", name: spec };
  const parsed = parseRegistrySpec(spec);
  // A bare name close to a bundled plugin's is a typo until proven otherwise: say so before any network
  // call. A version range (`notion@*`) says the registry package is meant.
  if (parsed && parsed.range === "") {
    const { didYouMean } = await import("../suggest.ts");
    const near = didYouMean(
      spec,
      (await embeddedPlugins()).map((p) => p.manifest.name),
    );
    if (near) throw new IdseError("PLUGIN_NEAR_MISS", { spec, suggestion: near });
  }
  if (!parsed) {
    throw new IdseError("PLUGIN_SPEC_INVALID", {
      spec,
      reason: "expected a bundled plugin's name, ./folder, file.tgz or an npm package name[@range]",
    });
  }
  return { source: "registry", spec: parsed };
}

/** A path as recorded: relative to the repository root (forward slashes) when inside it. */
function shown(abs: string, root: string): string {
  const rel = relative(root, abs);
  return rel && !rel.startsWith("..") && !isAbsolute(rel) ? rel.split("\\").join("/") : abs;
}

/**
 * Refuses a symbolic link at `rel` or on the way to it: a link is never followed (a README linked to
 * ~/.ssh/id_rsa would otherwise be copied into the repository), and a plugin folder holds plain files.
 */
function refuseLinks(from: string, rel: string, plugin: string): void {
  const parts = rel.split("/");
  for (let i = 1; i <= parts.length; i++) {
    const sub = parts.slice(0, i).join("/");
    let link = false;
    try {
      link = lstatSync(join(from, sub)).isSymbolicLink();
    } catch {
      return; // absent: nothing to copy
    }
    if (link) throw new IdseError("PLUGIN_SYMLINK", { plugin, file: join(from, sub) });
  }
}

/** The files a folder plugin is made of: its manifest files, the entry, README and LICENSE. */
function copyFolder(from: string, to: string): void {
  const label = basename(from);
  for (const m of ["package.json", "manifest.json"]) refuseLinks(from, m, label);
  const { manifest } = readManifest(from);
  const wanted = new Set(["package.json", "manifest.json", manifest.entry]);
  for (const name of readdirSync(from)) if (/^(readme|license|licence)(\.|$)/i.test(name)) wanted.add(name);
  for (const rel of wanted) {
    refuseLinks(from, rel, manifest.name);
    const src = join(from, rel);
    if (!existsSync(src) || !statSync(src).isFile()) continue;
    mkdirSync(dirname(join(to, rel)), { recursive: true });
    copyFileSync(src, join(to, rel));
  }
}

export async function stage(src: Source, to: string, root: string, env: FetchEnv): Promise<Staged> {
  mkdirSync(to, { recursive: true });
  const treeSri = () => treeIntegrity(hashTree(to));
  switch (src.source) {
    case "builtin": {
      const plugin = (await embeddedPlugin(src.name))!;
      const files = await plugin.files();
      writeFiles(to, new Map(Object.entries(files).map(([k, v]) => [k, new TextEncoder().encode(v)])));
      return { source: "builtin", resolved: `builtin:${src.name}`, integrity: treeSri() };
    }
    case "path":
      copyFolder(src.dir, to);
      return { source: "path", resolved: shown(src.dir, root), integrity: treeSri() };
    case "tarball": {
      const bytes = readFileSync(src.file);
      writeFiles(to, (await readTarball(bytes, src.file)).files);
      return { source: "tarball", resolved: shown(src.file, root), integrity: sri(bytes) };
    }
    case "registry": {
      const got = await fromRegistry(src.spec, env);
      writeFiles(to, (await readTarball(got.bytes, got.tarball)).files);
      return { source: "registry", resolved: got.tarball, integrity: got.integrity, package: got.name };
    }
  }
}
