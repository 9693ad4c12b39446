// Writes docs/json-output.md, the reference of the JSON contract, from the code that implements it: the
// envelope, the exit codes and the catalogue of codes (src/catalogue/), and every published schema
// (src/schemas.ts) with a real example produced by running the command in-process in a temporary
// workspace with a fixed clock. With --check, writes nothing and exits 1 when the committed page differs
// from what would be generated (the page cannot drift from the code).
import { spawnSync } from "node:child_process";
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  DOCTOR_FINDING_CODES,
  type ErrorCode,
  EXIT,
  errorCodes,
  notices,
  TRANSPORT_CODES,
} from "../src/catalogue/index.ts";
import { SAMPLES } from "../src/catalogue/samples.ts";
import { runCli } from "../src/cli/cli.ts";
import { outputSchemaFor, SCHEMAS, type SchemaEntry, schemaId } from "../src/schemas.ts";
import { runtimeName } from "../src/version.ts";

const ROOT = join(import.meta.dir, "..");
const PAGE = join(ROOT, "docs", "json-output.md");
const PAGE_REL = "docs/json-output.md";
const NOW = new Date("2026-01-01T00:00:00Z");
const BIOME = join(ROOT, "node_modules", ".bin", process.platform === "win32" ? "biome.cmd" : "biome");
/** Arrays longer than this are cut to their first ARRAY_KEEP items in examples. */
const ARRAY_KEEP = 2;

type Data = Record<string, unknown>;

const EXIT_MEANING: Record<keyof typeof EXIT, string> = {
  ok: "Success. `ok` is `true`.",
  failure:
    "The command ran and found a failure: an error from the catalogue with exit code 1, or a result that reports problems (e.g. `idse doctor` with findings left). `ok` is `false`.",
  usage:
    "Usage error: unknown command or option, missing argument, invalid value. Nothing was changed. `ok` is `false`.",
  cancelled:
    "Cancelled: the command was interrupted (e.g. by Ctrl-C) before it finished; stdout may then hold no JSON document.",
};

// --- helpers ----------------------------------------------------------------------------------------

interface Spec {
  exit: number;
  message: (d: Data) => string;
  hint?: (d: Data) => string;
}

/** Markdown-safe text for a table cell: `code spans` are kept, everything else is escaped. */
function cell(text: string): string {
  return text
    .split("`")
    .map((part, i) =>
      i % 2 === 1 ? part.replace(/\|/g, "\\|") : part.replace(/[\\*_[\]<>|]/g, (c) => `\\${c}`),
    )
    .join("`");
}

/** The page as `biome format` leaves it (biome formats Markdown too), so `npm run format` keeps it stable. */
function biomeFormat(text: string): string {
  const r = spawnSync(BIOME, ["format", `--stdin-file-path=${PAGE_REL}`], {
    cwd: ROOT,
    input: text,
    encoding: "utf8",
  });
  if (r.error || r.status !== 0) throw new Error(`biome format failed: ${r.error?.message ?? r.stderr}`);
  return r.stdout;
}

function jsonBlock(value: unknown): string {
  return ["```json", JSON.stringify(value, null, 2), "```"].join("\n");
}

/** Cuts long arrays (recursively) so examples stay readable; the result is still valid JSON. */
function truncate(value: unknown, keep = ARRAY_KEEP): unknown {
  if (Array.isArray(value)) return value.slice(0, keep).map((v) => truncate(v, keep));
  if (value && typeof value === "object")
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, truncate(v, keep)]));
  return value;
}

/** The manifest's `files` map cut to its first ARRAY_KEEP entries, like arrays. */
/** original.json with each map of its top level cut to three entries. */
function cutMaps(doc: unknown): unknown {
  return Object.fromEntries(
    Object.entries(doc as Record<string, unknown>).map(([k, val]) => [
      k,
      k === "artifacts" || k === "agents"
        ? Object.fromEntries(Object.entries(val as Record<string, unknown>).slice(0, ARRAY_KEEP))
        : val,
    ]),
  );
}

function truncateFiles(doc: unknown): unknown {
  const m = doc as { files: Record<string, string> };
  return { ...m, files: Object.fromEntries(Object.entries(m.files).slice(0, ARRAY_KEEP)) };
}

// --- the example workspace -------------------------------------------------------------------------

interface Run {
  argv: string[];
  code: number;
  json: { ok: boolean; command: string; data: unknown; diagnostics: unknown[] };
}

class Workspace {
  readonly base = realpathSync(mkdtempSync(join(tmpdir(), "idse-json-docs-")));
  readonly cwd = join(this.base, "repo");
  readonly home = join(this.base, "home");
  readonly runtime = runtimeName();
  readonly platform = `${process.platform}-${process.arch}`;

  constructor() {
    mkdirSync(this.cwd);
    mkdirSync(this.home);
  }

  /** Paths of the temporary directory become /repo and /home/user; runtime details become placeholders. */
  normalise(value: unknown): unknown {
    if (typeof value === "string")
      return value
        .replaceAll(this.cwd, "/repo")
        .replaceAll(this.home, "/home/user")
        .replaceAll(this.base, "/tmp")
        .replaceAll(this.runtime, "<runtime>")
        .replace(new RegExp(`^${this.platform}$`), "<platform>");
    if (Array.isArray(value)) return value.map((v) => this.normalise(v));
    if (value && typeof value === "object")
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.normalise(v)]));
    return value;
  }

  /** Runs `idse <argv> --json` in-process and insists on the expected exit code. */
  async run(argv: string[], expectCode: number, stdin?: string): Promise<Run> {
    let stdout = "";
    let stderr = "";
    const code = await runCli([...argv, "--json"], {
      cwd: this.cwd,
      env: {},
      home: this.home,
      stdout: (t) => {
        stdout += t;
      },
      stderr: (t) => {
        stderr += t;
      },
      readStdin: async () => stdin ?? "",
      stdinIsTTY: stdin === undefined,
      now: () => NOW,
    });
    if (code !== expectCode)
      throw new Error(
        `idse ${argv.join(" ")} --json exited ${code}, expected ${expectCode}\n${stdout}${stderr}`,
      );
    if (stderr !== "") throw new Error(`idse ${argv.join(" ")} --json wrote to stderr: ${stderr}`);
    return { argv, code, json: this.normalise(JSON.parse(stdout)) as Run["json"] };
  }

  file(rel: string): unknown {
    return this.normalise(JSON.parse(readFileSync(join(this.cwd, rel), "utf8")));
  }

  /** A minimal store plugin folder, ./example-store, for the `idse plugin` examples. */
  plugin(): void {
    const dir = join(this.cwd, "example-store");
    mkdirSync(dir);
    const idse = {
      name: "example-store",
      kind: "store",
      apiVersion: 1,
      capabilities: ["read", "write", "list"],
    };
    const pkg = { name: "idse-example-store", version: "1.0.0", type: "module", main: "index.js", idse };
    writeFileSync(join(dir, "package.json"), `${JSON.stringify(pkg, null, 2)}\n`);
    writeFileSync(
      join(dir, "index.js"),
      'export default () => ({ kind: "store", createStore: async () => ({}) });\n',
    );
  }

  remove(rel: string): void {
    rmSync(join(this.cwd, rel));
  }

  dispose(): void {
    rmSync(this.base, { recursive: true, force: true });
  }
}

interface Example {
  /** What produced it, shown above the example. */
  caption: string;
  value: unknown;
}

/** A spec whose Agent Profile is filled in, for the `compile agent-spec` example. */
const PROFILE_SPEC = [
  "# Spec: shop",
  "",
  "## Agent Profile",
  "",
  "```yaml",
  "id: auth-agent",
  "name: Authentication Agent",
  "description: Implements sign-in and session handling.",
  "goals: [Passwordless sign-in by e-mail link]",
  "tools: [git]",
  "runtime_hints:",
  "  mode: implementation",
  "```",
  "",
].join("\n");

const shellWord = (w: string) => (/^[\w./:=@-]+$/.test(w) ? w : `"${w.replace(/(["\\$`])/g, "\\$1")}"`);
const commandLine = (r: Run) => `idse ${r.argv.map(shellWord).join(" ")} --json`;

async function collectExamples(): Promise<{ examples: Map<string, Example>; gate: Run }> {
  const ws = new Workspace();
  try {
    const examples = new Map<string, Example>();
    const output = (r: Run, name = outputSchemaFor(r.json.command)?.name) => {
      if (!name) throw new Error(`no output schema for "${r.json.command}"`);
      if (examples.has(name)) return;
      const stdin = r.argv.includes("write")
        ? " (artifact text on standard input)"
        : r.argv[0] === "hook"
          ? " (Claude Code's hook input for a Write of `src/app.ts` on standard input)"
          : "";
      examples.set(name, {
        caption: `\`${commandLine(r)}\`${stdin}, exit code ${r.code}`,
        value: truncate(r.json),
      });
    };
    const file = (name: string, rel: string, after: string) =>
      examples.set(name, { caption: `\`${rel}\` after ${after}`, value: truncate(ws.file(rel)) });

    output(await ws.run(["init", "shop"], 0));
    output(await ws.run(["session", "create", "auth", "--description", "Authentication"], 0));
    const made = "`idse init shop` and `idse session create auth`";
    file("session-state", ".idse/projects/shop/session_state.json", made);
    file("stage-state", ".idse/projects/shop/sessions/auth/metadata/stage_state.json", made);
    file("session-metadata", ".idse/projects/shop/sessions/auth/metadata/session.json", made);
    file("agent-registry", ".idse/projects/shop/agent_registry.json", made);
    output(await ws.run(["session", "switch", "nope"], 1), "envelope");
    output(await ws.run(["status"], 0));
    output(await ws.run(["sessions"], 0));
    output(await ws.run(["session-info", "auth"], 0));
    output(await ws.run(["artifact", "write", "--stage", "plan", "--session", "auth"], 0, "# Plan\n"));
    await ws.run(["artifact", "write", "--stage", "spec", "--session", "auth"], 0, PROFILE_SPEC);
    output(await ws.run(["compile", "agent-spec", "--session", "auth", "--format", "both"], 0));
    const compiled = "`idse compile agent-spec --session auth --format both`";
    file("agent-profile", ".idse/projects/shop/build/agents/auth.profile.json", compiled);
    output(await ws.run(["generate-agent-files"], 0));
    file("agent-files", ".idse/agent_files.json", "`idse generate-agent-files`");
    output(await ws.run(["docs", "install"], 0));
    output(await ws.run(["agents", "list"], 0));
    output(
      await ws.run(
        ["agents", "add", "gemini", "--ide", "gemini", "--mode", "planning", "--stages", "intent"],
        0,
      ),
    );
    output(await ws.run(["route", "spec", "--session", "auth"], 0));
    output(await ws.run(["next"], 0));
    output(await ws.run(["graph"], 0));
    output(await ws.run(["completion", "fish"], 0));
    output(await ws.run(["report"], 0));
    output(await ws.run(["project", "list"], 0));
    output(await ws.run(["project", "use", "shop"], 0));
    output(await ws.run(["agents", "install-hooks", "--command", "idse"], 0));
    output(await ws.run(["agents", "install-mcp", "--ide", "claude-code"], 0));
    output(await ws.run(["mcp"], 2));
    const hookInput = {
      session_id: "abc123",
      cwd: ws.cwd,
      hook_event_name: "PreToolUse",
      tool_name: "Write",
      tool_input: { file_path: `${ws.cwd}/src/app.ts`, content: "" },
    };
    output(await ws.run(["hook", "claude-pre-tool-use"], 0, JSON.stringify(hookInput)));
    output(await ws.run(["config", "set", "owner", "ana"], 0));
    file("config", ".idse/config.json", "`idse config set owner ana`");
    output(await ws.run(["config", "get", "owner"], 0));
    output(await ws.run(["config", "list"], 0));
    output(await ws.run(["config", "unset", "owner"], 0));
    ws.remove(".idse/projects/shop/sessions/auth/intents/intent.md");
    const gate = await ws.run(["session", "set-status", "auth", "--status", "complete"], 1);
    output(await ws.run(["doctor"], 1));
    output(await ws.run(["version"], 0));
    output(await ws.run(["spine", "--help"], 0));
    const validated = await ws.run(["validate", "--session", "auth", "--rule", "idse/artifact-present"], 1);
    output(validated);
    examples.set("validation-report", {
      caption: `\`data.reports[0]\` of \`${commandLine(validated)}\``,
      value: truncate((validated.json as { data: { reports: unknown[] } }).data.reports[0]),
    });
    output(await ws.run(["schema", "list"], 0));
    ws.plugin();
    output(await ws.run(["plugin", "add", "./example-store", "--yes"], 0));
    file("plugins", ".idse/plugins.json", "`idse plugin add ./example-store --yes`");
    output(await ws.run(["plugin", "list"], 0));
    output(await ws.run(["plugin", "info", "example-store"], 0));
    output(await ws.run(["plugin", "verify"], 0));
    output(await ws.run(["trust", "--show"], 0));
    output(await ws.run(["plugin", "disable", "example-store"], 0));

    // Sync with a filesystem remote outside the repository (shown as /tmp/remote).
    output(await ws.run(["remote", "add", "backup", "../remote"], 0));
    output(await ws.run(["remote", "list"], 0));
    output(await ws.run(["sync", "status"], 0));
    output(await ws.run(["sync", "push"], 0));
    file("sync-state", ".idse/projects/shop/sync/backup.json", "`idse sync push`");
    // A second push has nothing to do: it leaves the base alone and writes only the last-sync file.
    await ws.run(["sync", "push"], 0);
    file(
      "last-sync",
      ".idse/projects/shop/sync/backup.last-sync.json",
      "a second `idse sync push` with nothing to do",
    );
    // The store, in a workspace of its own (the one above holds sync state, whose text names a temporary
    // path): every document moves into sqlite, then an agent's edit of a file left on disk comes back.
    const st = new Workspace();
    try {
      await st.run(["init", "shop", "--no-create-agent-files"], 0);
      await st.run(["session", "create", "auth"], 0);
      output(await st.run(["store", "migrate", "--to", "sqlite-store"], 0));
      examples.set("store-export", {
        caption: "`.idse/store-export.json` after `idse store migrate --to sqlite-store`",
        value: truncateFiles(st.file(".idse/store-export.json")),
      });
      output(await st.run(["store", "info"], 0));
      writeFileSync(join(st.cwd, ".idse/projects/shop/sessions/auth/plans/plan.md"), "# Plan\n\nEdited.\n");
      output(await st.run(["store", "import"], 0));
      output(await st.run(["store", "export", "--session", "auth"], 0));
    } finally {
      st.dispose();
    }
    examples.set("trust", {
      caption: "`~/.config/idse/trust.json` after `idse trust` in a repository with one plugin",
      value: {
        repositories: {
          "/home/ana/src/shop": {
            approved_at: "2026-01-01T00:00:00.000Z",
            plugins: {
              "example-store": {
                integrity:
                  "sha512-H6ik/ghoqR2KCX+ojB40D5PMMKrLx4MKa25XnGQJzv51go26ya7SbLfsueeUfUj3ee6XwEAThx9to8V+H1XD8g==",
                env: [],
                hosts: [],
              },
            },
            commands: {},
          },
        },
      },
    });
    // The Python original's SQLite workspace (test/fixtures, a copy of ../shared/fixtures), imported with `idse import-original`.
    const orig = new Workspace();
    try {
      const fixture = join(import.meta.dir, "..", "test", "fixtures", "python-original-sqlite-workspace");
      cpSync(join(fixture, ".idse"), join(orig.cwd, ".idse"), { recursive: true });
      const walk = (p: string) => {
        chmodSync(p, statSync(p).isDirectory() ? 0o755 : 0o644);
        if (statSync(p).isDirectory()) for (const e of readdirSync(p)) walk(join(p, e));
      };
      walk(orig.cwd);
      // A fixed modification time: the record keeps it, and the page must come out the same every time.
      const when = new Date("2026-03-01T12:00:00.000Z");
      utimesSync(join(orig.cwd, ".idse", "idse.db"), when, when);
      const imported = await orig.run(["import-original", "--dry-run"], 0);
      output({ ...imported, json: truncate(imported.json, 3) as Run["json"] });
      await orig.run(["import-original"], 0);
      const after = "after `idse import-original` of the Python original's SQLite fixture";
      examples.set("original-import", {
        caption: `\`.idse/original-import.json\` ${after}`,
        value: orig.file(".idse/original-import.json"),
      });
      const hashes = orig.file(".idse/original-import.hashes.json") as { written: Record<string, string> };
      examples.set("original-import-hashes", {
        caption: `\`.idse/original-import.hashes.json\` ${after} (three of its keys)`,
        value: { ...hashes, written: Object.fromEntries(Object.entries(hashes.written).slice(0, 3)) },
      });
      const ledger = readFileSync(
        join(orig.cwd, ".idse/projects/shop/sessions/__blueprint__/metadata/claims.jsonl"),
        "utf8",
      );
      examples.set("claims-ledger-line", {
        caption: `the fourth line of \`claims.jsonl\` ${after}`,
        value: JSON.parse(ledger.split("\n")[3]!),
      });
      examples.set("original-rows", {
        caption: `\`.idse/projects/billing-svc/original.json\` ${after} (arrays and maps cut to three entries)`,
        value: cutMaps(orig.file(".idse/projects/billing-svc/original.json")),
      });
    } finally {
      orig.dispose();
    }
    examples.set("personal-remotes", {
      caption:
        "`~/.config/idse/remotes.json` after `idse remote add nas /srv/design-backup` in /home/ana/src/shop",
      value: {
        repositories: {
          "/home/ana/src/shop": { remotes: { nas: { plugin: "filesystem", path: "/srv/design-backup" } } },
        },
      },
    });
    examples.set("credentials", {
      caption: "`~/.config/idse/credentials.json`, written by hand (values are placeholders)",
      value: {
        remotes: {
          core: { IDSE_ARTIFACT_TOKEN: "<token for the remote named core>" },
          "https://core.example.com": { IDSE_ARTIFACT_TOKEN: "<token for any remote at this origin>" },
        },
      },
    });
    // The Product Spine and the blueprint's claims (docs/governance.md), in a workspace of their own.
    const gv = new Workspace();
    try {
      await gv.run(["init", "shop", "--no-create-agent-files"], 0);
      const spine = [
        "# Spec: shop",
        "",
        "## Product Spine",
        "",
        "| Primitive | Module | Area | Layer | Milestone | System Role |",
        "|---|---|---|---|---|---|",
        "| Catalog | catalog.ts | Core | Storage | MVP | Primitive |",
        "| Checkout | checkout.ts | Core | Coordination | MVP | Primitive |",
        "",
      ].join("\n");
      await gv.run(["artifact", "write", "--stage", "spec", "--session", "__blueprint__"], 0, spine);
      output(await gv.run(["spine"], 0));
      output(await gv.run(["spine", "check"], 0));
      const why = ["--area", "Core", "--layer", "Storage", "--reason", "balances per gift card"];
      output(await gv.run(["spine", "propose", "GiftCardLedger", ...why, "--session", "gift-cards"], 0));
      output(await gv.run(["spine", "proposals"], 0));
      await gv.run(["spine", "accept", "GiftCardLedger"], 0);
      examples.set("spine-proposals", {
        caption:
          "`.idse/projects/shop/sessions/__blueprint__/metadata/spine_proposals.json` after `idse spine accept GiftCardLedger`",
        value: truncate(gv.file(".idse/projects/shop/sessions/__blueprint__/metadata/spine_proposals.json")),
      });
      const claim = "Prices are stored as integer cents, never as floating point numbers.";
      for (const [session, stage] of [
        ["checkout", "spec"],
        ["catalog", "plan"],
      ] as const) {
        await gv.run(["session", "create", session], 0);
        await gv.run(
          ["artifact", "write", "--stage", stage, "--session", session],
          0,
          `# ${stage}\n\n${claim}\n`,
        );
        await gv.run(
          ["artifact", "write", "--stage", "feedback", "--session", session],
          0,
          "# Feedback\n\nWorked.\n",
        );
      }
      const declare = ["--classification", "non_negotiable_constraint", "--source", "__blueprint__:spec"];
      output(
        await gv.run(
          ["blueprint", "declare", "--claim", "Card data never touches shop servers.", ...declare],
          0,
        ),
      );
      const promote = [
        "--classification",
        "invariant",
        "--source",
        "checkout:spec",
        "--source",
        "catalog:plan",
      ];
      output(await gv.run(["blueprint", "promote", "--claim", claim, ...promote, "--min-days", "0"], 0));
      output(await gv.run(["blueprint", "claims"], 0));
      output(await gv.run(["blueprint", "explain", "2"], 0));
      output(await gv.run(["blueprint", "verify"], 0));
      output(await gv.run(["blueprint", "extract-candidates", "--stage", "spec", "--stage", "plan"], 0));
    } finally {
      gv.dispose();
    }
    const missing = SCHEMAS.filter((s) => !examples.has(s.name)).map((s) => s.name);
    if (missing.length) throw new Error(`no example for schema(s): ${missing.join(", ")}`);
    return { examples, gate: { ...gate, json: truncate(gate.json, 3) as Run["json"] } };
  } finally {
    ws.dispose();
  }
}

// --- the page ---------------------------------------------------------------------------------------

function catalogueRows(): string[] {
  const codes = Object.keys(errorCodes()) as ErrorCode[];
  return codes.map((code) => {
    const spec = errorCodes()[code] as unknown as Spec;
    const data: Data = SAMPLES[code];
    const hint = spec.hint?.(data);
    return `| \`${code}\` | ${spec.exit} | ${cell(spec.message(data))} | ${hint ? cell(hint) : ""} |`;
  });
}

function exitRows(): string[] {
  return (Object.entries(EXIT) as [keyof typeof EXIT, number][]).map(([key, code]) => {
    const meaning = EXIT_MEANING[key];
    if (!meaning) throw new Error(`no description of exit code ${key} (${code})`);
    return `| ${code} | \`${key}\` | ${meaning} |`;
  });
}

/** What a schema describes: its file(s), or the commands that print it, as code spans. */
function describes(s: SchemaEntry): string {
  if (s.name === "envelope") return `the envelope of ${s.about} (\`data\` left open)`;
  return s.about
    .split(s.kind === "file" ? " and " : ", ")
    .map((part) => `\`${part}\``)
    .join(s.kind === "file" ? " and " : ", ");
}

function schemaSections(examples: Map<string, Example>): string[] {
  const out: string[] = [];
  for (const s of SCHEMAS) {
    const file = `schemas/${s.name}.schema.json`;
    if (!existsSync(join(ROOT, file))) throw new Error(`${file} is missing: run \`npm run gen:schemas\``);
    const example = examples.get(s.name)!;
    out.push(
      `### \`${s.name}\``,
      "",
      `- Kind: ${s.kind}`,
      `- Describes: ${describes(s)}`,
      `- Get it: \`idse schema show ${s.name}\`, or [\`${file}\`](../${file}) in the repository` +
        (s.kind === "file" ? `, or \`.idse/schemas/${s.name}.schema.json\` in a workspace` : "") +
        ` (\`$id\`: \`${schemaId(s.name)}\`)`,
      "",
      `Example: ${example.caption}.`,
      "",
      jsonBlock(example.value),
      "",
    );
  }
  return out;
}

function render(examples: Map<string, Example>, gate: Run): string {
  const diagnosticCodes = [
    // A "|" inside a cell (`sync push|pull`) would end it: GFM tables take it escaped, code spans too.
    ...notices().map(
      (d) => `| \`${d.code}\` | ${d.severity} | ${d.where.replaceAll("|", "\\|")} | ${d.keys} |`,
    ),
    ...Object.entries(TRANSPORT_CODES).map(
      ([code, t]) =>
        `| \`${code}\` | (transport) | ${t.meaning}${t.becomes === "conflict" ? "" : `; \`idse sync\` reports it as \`${t.becomes}\` with \`transport_code\``} | see src/plugins/api.ts |`,
    ),
  ];
  const lines = [
    "# JSON output",
    "",
    `<!-- Generated by scripts/gen-json-docs.ts from src/; do not edit by hand. Regenerate with \`bun scripts/gen-json-docs.ts\`; \`--check\` fails when this page is stale. -->`,
    "",
    "Every `idse` command accepts `--json`. This page is the contract scripts and agents can rely on: the",
    "envelope every command prints, the exit codes, the error codes, and the JSON Schema of every command",
    "output and every workspace file, each with a real example.",
    "",
    "## The envelope",
    "",
    "With `--json`, idse prints exactly one JSON document on stdout, on success and on failure alike",
    "(including usage errors such as an unknown command or option). Nothing else goes to stdout: logs and",
    "text for people go to stderr. Help too: `idse --help --json`, `idse <command> --help --json`, and",
    "`idse --json` or `idse <group> --json` (which print help as text) print it as the data of command",
    "`help` (its schema is `output-help`), for an agent or a script to learn the commands. All keys are",
    "`snake_case`.",
    "",
    "| Key | Type | Meaning |",
    "| --- | --- | --- |",
    "| `ok` | boolean | `true` when the command succeeded, i.e. exactly when the exit code is 0. |",
    '| `command` | string | The command that ran, e.g. `"session create"`; `""` when none was recognised. |',
    "| `data` | object or `null` | The command's result, described by its output schema below; `null` when the command failed before producing one. |",
    "| `diagnostics` | array | Errors, warnings and notes, each with a stable `code`. |",
    "",
    "Each diagnostic has these fields:",
    "",
    "| Field | Always | Meaning |",
    "| --- | --- | --- |",
    '| `severity` | yes | `"error"`, `"warning"` or `"info"`. |',
    "| `code` | yes | Stable machine-readable code (`UPPER_SNAKE_CASE`): match on this, never on the message. |",
    "| `message` | yes | Human-readable message; its wording may change between releases. |",
    "| `hint` | no | What to do about it. |",
    "| `file` | no | The file concerned, relative to the repository root when possible. |",
    "| `line` | no | 1-based line in `file`. |",
    "| other keys | no | Code-specific data: the values the message was made from (e.g. `session` and `project` for `SESSION_NOT_FOUND`, `rule_id` for `RULE_VIOLATION`). |",
    "",
    'When a command fails, the error that stopped it is the first diagnostic with severity `"error"`; the',
    "diagnostics after it are its details. Here `idse session set-status auth --status complete` is refused",
    "because the session's artifacts are not finished (the list is cut to its first three diagnostics):",
    "",
    jsonBlock(gate.json),
    "",
    "A command that checks something and reports what it found is different: `validate` with findings,",
    "`sync status` with conflicts, `doctor` with problems left, `compile agent-spec --check` with stale files,",
    "`blueprint verify` with a changed hash, `blueprint promote` not allowed, `spine check`, `plugin verify`,",
    "`agents sync-files --check`, `store export` that kept files, `store import` with conflicts, and",
    "`sync pull|push` with failed documents exit 1 with `ok: false` because of their verdict, not an",
    "error. Their `data` says what was found (each output schema below), and",
    "`diagnostics` may be empty. So a script checks `ok` (or the exit code) first, and reads",
    "`diagnostics[0]` only when it is there.",
    "",
    "## Exit codes",
    "",
    "| Exit code | Name | Meaning |",
    "| --- | --- | --- |",
    ...exitRows(),
    "",
    "## Error codes",
    "",
    "Every error idse raises has a code from one catalogue (`src/catalogue/`). Codes and their exit codes are",
    "stable once released; messages and hints may be reworded. The messages below are rendered from the",
    "catalogue with sample data; the data itself is in the diagnostic as extra keys.",
    "",
    "| Code | Exit | Example message | Hint |",
    "| --- | --- | --- | --- |",
    ...catalogueRows(),
    "",
    "### Codes in details, warnings and findings",
    "",
    "These codes never stop a command by themselves: they appear after the error they explain, as warnings",
    "next to a successful result, or in `idse doctor` findings.",
    "",
    "| Code | Severity | Where | Extra keys |",
    "| --- | --- | --- | --- |",
    ...diagnosticCodes,
    "",
    `\`idse doctor --json\` reports each problem in \`data.findings[]\` with one of these codes: ${DOCTOR_FINDING_CODES.map((c) => `\`${c}\``).join(", ")}.`,
    "",
    "## Schemas",
    "",
    "Every command output and every workspace file has a JSON Schema (draft 2020-12), generated from the",
    "models in `src/models/`. `idse schema list` lists them, `idse schema show <name>` prints one and",
    "`idse schema emit <dir>` writes them all; the repository keeps a copy in `schemas/`, and `idse init`",
    "copies the file schemas into `.idse/schemas/`.",
    "",
    "The examples are real: each was produced by running the command in a fresh workspace at `/repo`",
    "(project `shop`, session `auth`) with the clock fixed at 2026-01-01T00:00:00Z. The runtime and platform",
    `are replaced by placeholders, and arrays longer than ${ARRAY_KEEP} items are cut to their first ${ARRAY_KEEP}.`,
    "",
    "| Name | Kind | Describes |",
    "| --- | --- | --- |",
    ...SCHEMAS.map((s) => `| [\`${s.name}\`](#${s.name}) | ${s.kind} | ${describes(s)} |`),
    "",
    ...schemaSections(examples),
    "## Scripting",
    "",
    "Check the exit code (or `ok`), then read `data`; on failure, branch on `diagnostics[].code`.",
    "",
    "```sh",
    "# The sessions of the project that are not complete yet",
    "idse sessions --json | jq -r '.data.sessions[] | select(.status != \"complete\") | .session_id'",
    "",
    "# Switch session, or print the error code and message on stderr",
    "if out=$(idse session switch auth --json); then",
    "  jq -r '.data.session.session_id' <<<\"$out\"",
    "else",
    '  jq -r \'.diagnostics[] | select(.severity == "error") | "\\(.code): \\(.message)"\' <<<"$out" >&2',
    "fi",
    "```",
    "",
  ];
  return lines.join("\n");
}

// --- main -------------------------------------------------------------------------------------------

const { examples, gate } = await collectExamples();
const text = biomeFormat(render(examples, gate));
if (process.argv.includes("--check")) {
  const current = existsSync(PAGE) ? readFileSync(PAGE, "utf8") : undefined;
  if (current !== text) {
    process.stderr.write(
      `${PAGE_REL} ${current === undefined ? "is missing" : "differs from what the code produces"}\n` +
        "run `bun scripts/gen-json-docs.ts` and commit docs/json-output.md\n",
    );
    process.exit(1);
  }
  process.exit(0);
}
writeFileSync(PAGE, text);
process.stdout.write(`wrote ${PAGE_REL}\n`);
