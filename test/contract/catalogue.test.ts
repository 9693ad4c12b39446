import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { NOTION_CODES } from "../../plugins/notion-store/src/errors.ts";
import {
  DOCTOR_FINDING_CODES,
  type ErrorCode,
  errorCodes,
  type NoticeCode,
  noticeCodes,
  notices,
  TRANSPORT_CODES,
} from "../../src/catalogue/index.ts";
import { IdseError, notice } from "../../src/errors.ts";
import { attribute } from "../../src/plugins/wrap.ts";
import { STORE_ERROR_CODES } from "../../src/store/contract.ts";
import { remoteError } from "../../src/sync/engine.ts";
import type { Remote } from "../../src/sync/remotes.ts";
import { REPO } from "../helpers.ts";

// One catalogue of codes: every code idse or a first-party plugin raises is declared once, in src/catalogue/:
// errors.ts (errors, store codes), transport.ts (transport codes) or notices.ts (warnings, details,
// findings). Read from the source text, so a code typed into a new `throw` or `ctx.report` fails here
// until it is declared.

const ERRORS = new Set(Object.keys(errorCodes()));
const TRANSPORT = new Set(Object.keys(TRANSPORT_CODES));
const NOTICE = new Set<string>(notices().map((n) => n.code));
const FINDINGS = new Set<string>(DOCTOR_FINDING_CODES);

/**
 * A plugin's own detail codes: a plugin imports only types from idse, so it declares them itself, each
 * mapped (and typed) to the store code it throws, which the catalogue holds; they travel as data.
 */
const PLUGIN_DETAIL = new Set(Object.keys(NOTION_CODES));

/** Declared in both catalogues on purpose, each with its reason. */
const BOTH: Record<string, string> = {
  SECRET_FOUND: "the error of a push the guard stopped, and one error detail per finding it lists",
  CORRUPT_FILE:
    "the error of a command that cannot read a file, and doctor's report of a settings file (an info once fixed)",
  WORKSPACE_UNTRUSTED:
    "the error of a command that would run unapproved code, and the warning of a plugin installed whose approval could not be recorded",
  SPINE_UNKNOWN_LAYER:
    "the error when the Spine declares its layers, and the warning when it uses idse's defaults (the proposal is kept)",
};

interface Raised {
  code: string;
  file: string;
  /** What raised it: an IdseError, a plugin's store/transport error, or a `code:` property. */
  how: "IdseError" | "plugin error" | "code property" | "doctor finding" | "gate detail" | "notice";
  /** The source line, for a code property. */
  line?: string;
}

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((rel) => rel.endsWith(".ts") && !rel.split(/[\\/]/).includes("generated"))
    .map((rel) => join(dir, rel));
}

const CODE = "([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)";
function raised(): Raised[] {
  const pluginSrc = readdirSync(join(REPO, "plugins"), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => join(REPO, "plugins", d.name));
  const files = [...tsFiles(join(REPO, "src")), ...pluginSrc.flatMap(tsFiles)].filter(
    (f) => !/[\\/]test[\\/]/.test(f),
  );
  const out: Raised[] = [];
  for (const path of files) {
    const file = path.slice(REPO.length + 1).replace(/\\/g, "/");
    if (file.startsWith("src/catalogue/")) continue;
    const text = readFileSync(path, "utf8");
    for (const m of text.matchAll(new RegExp(`\\bIdseError\\(\\s*"${CODE}"`, "g")))
      out.push({ code: m[1]!, file, how: "IdseError" });
    for (const m of text.matchAll(new RegExp(`\\b(?:storeError|transportError|fail)\\(\\s*"${CODE}"`, "g")))
      out.push({ code: m[1]!, file, how: "plugin error" });
    for (const m of text.matchAll(new RegExp(`\\bcode:\\s*"${CODE}"`, "g"))) {
      const start = text.lastIndexOf("\n", m.index) + 1;
      const line = text.slice(start, text.indexOf("\n", m.index));
      out.push({ code: m[1]!, file, how: "code property", line });
    }
    for (const m of text.matchAll(new RegExp(`\\bnotice\\(\\s*"${CODE}"`, "g")))
      out.push({ code: m[1]!, file, how: "notice" });
    // The promotion gate names each failed test by its code, as a key of `details`.
    for (const m of text.matchAll(new RegExp(`\\bdetails\\.${CODE}\\s*=`, "g")))
      out.push({ code: m[1]!, file, how: "gate detail" });
    // doctor passes its finding codes to a helper, not as `code:` properties.
    if (file === "src/cli/commands/doctor.ts")
      for (const m of text.matchAll(new RegExp(`"${CODE}"`, "g")))
        out.push({ code: m[1]!, file, how: "doctor finding" });
  }
  return out;
}

const RAISED = raised();

describe("one catalogue of codes", () => {
  test("the scan finds codes of every kind (a broken pattern would pass everything)", () => {
    const hows = new Set(RAISED.map((r) => r.how));
    expect([...hows].sort()).toEqual([
      "IdseError",
      "code property",
      "doctor finding",
      "gate detail",
      "notice",
      "plugin error",
    ]);
    expect(RAISED.length).toBeGreaterThan(200);
  });

  test("every code raised in src/ and plugins/ is declared", () => {
    const undeclared = RAISED.filter((r) => {
      if (r.how === "IdseError" || r.how === "gate detail") return !ERRORS.has(r.code);
      if (r.how === "notice") return !(r.code in noticeCodes());
      if (r.file.startsWith("plugins/") && PLUGIN_DETAIL.has(r.code)) return false;
      if (r.how === "plugin error") return !ERRORS.has(r.code) && !TRANSPORT.has(r.code);
      if (r.how === "doctor finding")
        return !ERRORS.has(r.code) && !NOTICE.has(r.code) && !FINDINGS.has(r.code);
      return !ERRORS.has(r.code) && !NOTICE.has(r.code) && !TRANSPORT.has(r.code);
    }).map((r) => `${r.code} (${r.how} in ${r.file})`);
    expect(undeclared).toEqual([]);
  });

  test("every declared code is raised somewhere: the catalogue holds no dead code", () => {
    const text = [
      ...tsFiles(join(REPO, "src")),
      ...readdirSync(join(REPO, "plugins"), { withFileTypes: true })
        .filter((d) => d.isDirectory())
        .flatMap((d) => tsFiles(join(REPO, "plugins", d.name))),
    ]
      // Not the catalogue itself, which names every code (a plugin's errors.ts raises codes: it counts).
      .filter((f) => !/[\\/]src[\\/]catalogue[\\/]/.test(f))
      .map((f) => readFileSync(f, "utf8"))
      .join("\n");
    const declared = [...ERRORS, ...NOTICE, ...TRANSPORT, ...FINDINGS];
    expect(declared.filter((code) => !new RegExp(`\\b${code}\\b`).test(text))).toEqual([]);
  });

  test("a code is declared once: errors, notices and transport codes do not overlap", () => {
    const twice = [
      ...[...NOTICE].filter((c) => ERRORS.has(c) && !BOTH[c]),
      ...[...TRANSPORT].filter((c) => NOTICE.has(c)),
      ...notices()
        .map((n) => n.code)
        .filter((c, i, all) => all.indexOf(c) !== i),
    ];
    expect(twice).toEqual([]);
    for (const code of Object.keys(BOTH))
      expect({ code, both: ERRORS.has(code) && NOTICE.has(code) }).toEqual({ code, both: true });
  });

  test("a notice is built by notice() from its catalogue entry, never as an object by hand", () => {
    // A doctor finding carries a code in `data.findings[]`, not a diagnostic: that is its own list.
    const byHand = RAISED.filter(
      (r) => r.how === "code property" && r.code in noticeCodes() && !/findings\.push\(/.test(r.line ?? ""),
    ).map((r) => `${r.code} in ${r.file}: ${r.line?.trim()}`);
    expect(byHand).toEqual([]);
  });

  test("a notice is its catalogue's: severity, message, hint, and only the keys it declares", () => {
    const d = notice("AGENT_FILE_LARGE", { file: "CLAUDE.md", bytes: 9000, budget: 8192 });
    expect(d).toEqual({
      severity: "warning",
      code: "AGENT_FILE_LARGE",
      message: "CLAUDE.md is 9000 bytes, over the 8192-byte budget for agent context",
      hint: "register fewer agents, or shorten their descriptions",
      file: "CLAUDE.md",
    });
    // Undefined keys and empty hints are left out.
    expect(notice("SPINE_CHANGE_HELD", { file: "a.md", reason: "the Spine changed" })).toEqual({
      severity: "error",
      code: "SPINE_CHANGE_HELD",
      message: "the Spine changed",
      file: "a.md",
    });
  });

  test("every notice's message and hint render whatever data a caller left out, and name only declared keys", () => {
    const failing: string[] = [];
    for (const code of Object.keys(noticeCodes()) as NoticeCode[]) {
      try {
        const d = notice(code, {} as never);
        expect(typeof d.message).toBe("string");
        expect(Object.keys(d).every((k) => ["severity", "code", "message", "hint"].includes(k))).toBe(true);
      } catch (err) {
        failing.push(`${code}: ${(err as Error).message}`);
      }
    }
    expect(failing).toEqual([]);
  });

  test("every message and hint renders whatever data a caller left out (building an error never throws)", () => {
    const failing: string[] = [];
    for (const [code, spec] of Object.entries(errorCodes())) {
      try {
        const e = IdseError.of(code as ErrorCode, {});
        expect(typeof e.message).toBe("string");
        expect(typeof (e.hint ?? "")).toBe("string");
      } catch (err) {
        failing.push(`${code}: ${(err as Error).message}`);
      }
      expect("message" in spec).toBe(true);
    }
    expect(failing).toEqual([]);
  });

  test("every store error code is a catalogue error, which the plugin host keeps as itself", () => {
    for (const code of STORE_ERROR_CODES) {
      const err = attribute(
        "pg",
        "read()",
        Object.assign(new Error("boom"), { code, data: { reason: "boom" } }),
      );
      expect({ code, kept: err instanceof IdseError && err.code }).toEqual({ code, kept: code });
    }
  });

  test("every transport code passes the host untouched and becomes the error its entry names", () => {
    const remote = { name: "team", location: "https://example.test" } as Remote;
    for (const [code, t] of Object.entries(TRANSPORT_CODES)) {
      const thrown = Object.assign(new Error("boom"), { code });
      expect(attribute("artifact-core", "put()", thrown)).toBe(thrown);
      if (t.becomes === "conflict") continue;
      const err = remoteError(remote, thrown);
      expect({ code, becomes: err instanceof IdseError && err.code }).toEqual({ code, becomes: t.becomes });
      expect((err as IdseError).data.transport_code).toBe(code);
    }
  });
});
