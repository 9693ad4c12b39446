import { afterAll } from "bun:test";
import { cpSync, mkdtempSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type LoadOptions, loadStore } from "../../../src/plugins/host.ts";
import type { DesignStore } from "../../../src/store/contract.ts";
import { openWorkspace, type Workspace } from "../../../src/workspace.ts";
import { idse, tempDir } from "../../helpers.ts";

// Plugin stores opened the way the CLI opens them (src/store/select.ts): installed into a workspace with
// `idse plugin add <name>` (this binary's own copy), then `loadStore`, which re-hashes the installed
// files, validates the options with the plugin's schema, calls the factory with the real host API and
// wraps every method. So the suite tests the bundle users run, not the plugin's sources.

const templates = new Map<string, Promise<string>>();
// Not tempDir(): those go after each test, and the templates serve every test of the file.
afterAll(async () => {
  for (const t of templates.values()) rmSync(await t, { recursive: true, force: true });
});

/** One workspace per plugin with the plugin installed; copied for each store, so `idse` runs once. */
function template(name: string): Promise<string> {
  let t = templates.get(name);
  if (!t) {
    t = (async () => {
      const cwd = realpathSync(mkdtempSync(join(tmpdir(), "idse-conformance-template-")));
      for (const argv of [
        ["init", "shop", "--no-create-agent-files"],
        ["plugin", "add", name, "--yes", "--json"],
      ]) {
        const r = await idse(argv, { cwd });
        if (r.code !== 0) throw new Error(`idse ${argv.join(" ")}: ${r.stdout}${r.stderr}`);
      }
      return cwd;
    })();
    templates.set(name, t);
  }
  return t;
}

/** A fresh workspace (its own root and .idse/) where plugin `name` is installed and enabled. */
export async function workspaceWith(name: string): Promise<Workspace> {
  const cwd = tempDir("idse-conformance-");
  cpSync(await template(name), cwd, { recursive: true });
  return openWorkspace({ cwd, home: cwd, env: {} });
}

/** The store of plugin `name` installed in `ws`, through the host's loadStore. */
export function installedStore(ws: Workspace, name: string, o: LoadOptions = {}): Promise<DesignStore> {
  return loadStore(ws, name, { home: ws.root, verbose: false, ...o, env: o.env ?? {} });
}
