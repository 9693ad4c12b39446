import { realpathSync } from "node:fs";
import { IdseError } from "../errors.ts";
import { type RepoTrust, type Runnable, TrustFile } from "../models/trust.ts";
import { writeFileAtomic } from "../store/atomic-file.ts";
import { acquireFileLock } from "../store/file-lock.ts";
import { readUserJson, userConfigFile } from "../user-config-dir.ts";

// Workspace trust, after direnv's `allow` and mise's `trust`: code a repository brings (an installed
// plugin that is not this binary's own copy, a remote's MCP stdio command) runs only once this user has
// approved exactly those bytes and that command for this repository, and a remote URL the repository's
// config names is reached (with this user's credentials, and the documents) only once approved too. Approvals live in the user's config
// directory, beside credentials.json, keyed by the repository's real path; a clone elsewhere, a changed
// byte or a changed grant is not approved. So is the repository's .npmrc, before `plugin add` heeds it. IDSE_TRUST=all trusts everything (CI images that build their
// own repository).

export interface TrustEnv {
  env: Record<string, string | undefined>;
  home: string;
}

export function trustPath(o: TrustEnv): string {
  return userConfigFile(o.env, o.home, "trust.json");
}

export const trustsAll = (env: Record<string, string | undefined>) => env.IDSE_TRUST === "all";

/** The key of a repository: its real path, so a symlinked checkout and the real one are one. */
export function repoKey(root: string): string {
  try {
    return realpathSync(root);
  } catch {
    return root;
  }
}

export function readTrust(o: TrustEnv): TrustFile {
  return readUserJson(trustPath(o), TrustFile, { repositories: {} });
}

const same = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((x, i) => x === b[i]);

/** Whether `rec` approves exactly this plugin (bytes and grants) or this command. */
export function isApproved(rec: RepoTrust | undefined, r: Omit<Runnable, "approved">): boolean {
  if (!rec) return false;
  if (r.kind === "plugin") {
    const p = rec.plugins[r.name];
    return !!p && p.integrity === r.integrity && same(p.env, r.env ?? []) && same(p.hosts, r.hosts ?? []);
  }
  const files = (x: Record<string, string> | undefined) => JSON.stringify(Object.entries(x ?? {}).sort());
  if (r.kind === "endpoint") {
    const e = rec.endpoints?.[r.name];
    return !!e && same(e.hosts, r.hosts ?? []) && files(e.files) === files(r.files);
  }
  const c = rec.commands[r.name];
  return (
    !!c && same(c.command, r.command ?? []) && c.cwd === (r.cwd ?? null) && files(c.files) === files(r.files)
  );
}

export function describeRunnable(r: Omit<Runnable, "approved">): string {
  if (r.kind === "plugin")
    return `plugin ${r.name} ${r.version ?? ""} (${r.source ?? "?"}, ${r.integrity?.slice(0, 23) ?? "?"}…)`;
  if (r.kind === "endpoint" && r.name === ".npmrc")
    return `the repository's .npmrc (${(r.hosts ?? []).join(", ") || "no registry of its own"}; \`plugin add\` would heed its registries, credentials and certificates, \${VAR}s expanded from your environment)`;
  if (r.kind === "endpoint")
    return `remote ${r.name} at ${(r.hosts ?? []).join(", ")} (it would get your credentials and documents)`;
  return `the MCP stdio command of remote ${r.name} (${(r.command ?? []).join(" ")})`;
}

/** Throws WORKSPACE_UNTRUSTED unless every item is approved for the repository at `root`. */
export function requireTrusted(o: TrustEnv, root: string, items: Omit<Runnable, "approved">[]): void {
  if (trustsAll(o.env) || items.length === 0) return;
  const rec = readTrust(o).repositories[repoKey(root)];
  const missing = items.filter((r) => !isApproved(rec, r));
  if (missing.length) {
    throw new IdseError("WORKSPACE_UNTRUSTED", {
      what: missing.map(describeRunnable).join("; "),
      repository: repoKey(root),
    });
  }
}

/**
 * Records approvals for the repository at `root`, under a lock on the trust file (several idse runs may
 * approve at once). `replace`: the record becomes exactly `items` (`idse trust`); otherwise they are
 * added to it (`plugin add`).
 */
export async function approve(
  o: TrustEnv,
  root: string,
  items: Omit<Runnable, "approved">[],
  now: string,
  replace: boolean,
): Promise<void> {
  const file = trustPath(o);
  const release = await acquireFileLock(`${file}.lock`, 10_000);
  try {
    const doc = readTrust(o);
    const key = repoKey(root);
    const old = doc.repositories[key];
    const rec: RepoTrust = {
      approved_at: now,
      plugins: replace ? {} : { ...(old?.plugins ?? {}) },
      commands: replace ? {} : { ...(old?.commands ?? {}) },
      endpoints: replace ? {} : { ...(old?.endpoints ?? {}) },
    };
    for (const r of items) {
      if (r.kind === "endpoint") {
        rec.endpoints![r.name] = {
          hosts: [...(r.hosts ?? [])],
          ...(r.files ? { files: { ...r.files } } : {}),
        };
      } else if (r.kind === "plugin") {
        rec.plugins[r.name] = {
          integrity: r.integrity!,
          env: [...(r.env ?? [])],
          hosts: [...(r.hosts ?? [])],
        };
      } else {
        rec.commands[r.name] = { command: [...(r.command ?? [])], cwd: r.cwd ?? null, files: { ...r.files } };
      }
    }
    doc.repositories[key] = rec;
    writeFileAtomic(file, `${JSON.stringify(doc, null, 2)}\n`);
  } finally {
    await release();
  }
}

/** Removes every approval of the repository at `root`; false when there was none. */
export async function revoke(o: TrustEnv, root: string): Promise<boolean> {
  const file = trustPath(o);
  const release = await acquireFileLock(`${file}.lock`, 10_000);
  try {
    const doc = readTrust(o);
    const key = repoKey(root);
    if (!doc.repositories[key]) return false;
    delete doc.repositories[key];
    writeFileAtomic(file, `${JSON.stringify(doc, null, 2)}\n`);
    return true;
  } finally {
    await release();
  }
}
