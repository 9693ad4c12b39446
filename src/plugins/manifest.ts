import { join } from "node:path";
import * as v from "valibot";
import { IdseError } from "../errors.ts";
import { parseJsonText } from "../json-text.ts";
import { PluginManifest } from "../models/plugins.ts";
import { readTextIfExists } from "../store/atomic-file.ts";
import { PLUGIN_API_VERSION } from "./api.ts";

// A plugin folder's manifest: manifest.json, else the `idse` key of package.json. From package.json the
// name (without its npm scope), version, description and entry (`main`) are inherited, so an npm package
// states each only once and `npm pack` publishes it unchanged.

export interface FoundManifest {
  manifest: PluginManifest;
  /** manifest.json or package.json. */
  file: string;
  /** The npm package name, when package.json has one. */
  packageName?: string;
}

function parseJson(text: string, file: string): Record<string, unknown> {
  try {
    const json = parseJsonText(text);
    if (json && typeof json === "object" && !Array.isArray(json)) return json;
  } catch {}
  throw new IdseError("PLUGIN_MANIFEST_INVALID", { file, reason: "not a JSON object" });
}

export function readManifest(dir: string, label = dir): FoundManifest {
  const pkgText = readTextIfExists(join(dir, "package.json"));
  const pkg = pkgText === undefined ? undefined : parseJson(pkgText, `${label}/package.json`);
  const manText = readTextIfExists(join(dir, "manifest.json"));
  let raw: Record<string, unknown>;
  let file: string;
  if (manText !== undefined) {
    raw = parseJson(manText, `${label}/manifest.json`);
    file = "manifest.json";
  } else if (pkg?.idse && typeof pkg.idse === "object") {
    const own = pkg.idse as Record<string, unknown>;
    const name = typeof pkg.name === "string" ? pkg.name.replace(/^@[^/]+\//, "") : undefined;
    raw = {
      name,
      version: pkg.version,
      description: pkg.description,
      entry: typeof pkg.main === "string" ? pkg.main.replace(/^\.\//, "") : "index.js",
      ...own,
    };
    file = "package.json";
  } else {
    throw new IdseError("PLUGIN_MANIFEST_INVALID", {
      file: label,
      reason: "no manifest.json and no `idse` key in package.json",
    });
  }
  return { manifest: checkManifest(raw, `${label}/${file}`), file, packageName: pkg?.name as string };
}

/** Validates a manifest; another apiVersion is reported as such, before any other field. */
export function checkManifest(raw: Record<string, unknown>, file: string): PluginManifest {
  if (typeof raw.apiVersion === "number" && raw.apiVersion !== PLUGIN_API_VERSION) {
    throw new IdseError("PLUGIN_API_VERSION", {
      plugin: String(raw.name ?? file),
      found: raw.apiVersion,
      supported: PLUGIN_API_VERSION,
    });
  }
  const r = v.safeParse(PluginManifest, raw);
  if (!r.success) {
    const reason = r.issues
      .map((i) => `${i.path?.map((p) => p.key).join(".") || "manifest"}: ${i.message}`)
      .join("; ");
    throw new IdseError("PLUGIN_MANIFEST_INVALID", { file, reason });
  }
  return r.output;
}
