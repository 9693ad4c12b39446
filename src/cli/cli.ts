import { readSection } from "../config.ts";
import { type Diagnostic, EXIT, IdseError } from "../errors.ts";
import type { HelpOutput } from "../models/outputs.ts";
import { originalDbNotice } from "../original/notice.ts";
import { recoverAtStart, recoverLocked } from "../recovery.ts";
import { closeStore } from "../store/select.ts";
import { VERSION } from "../version.ts";
import { openWorkspace, resolveProject, type Workspace, withProjectLock } from "../workspace.ts";
import { camel, optionShape, positive, readFlags, scanArgv } from "./argv.ts";
import type { Command, CommandEntry, Context, GlobalOptions, Io, OptionSpec } from "./command.ts";
import { COMMANDS } from "./commands/index.ts";
import { commandOutput, failure, printResult, terminalPrinter } from "./output.ts";
import { decideStyle, setStyle } from "./style.ts";

// CLIInterface: argv → one command → data → text or JSON. argv is parsed once, by parse(), into the
// Parsed value every later step reads: argv.ts finds the command words (folding "session create" into
// one), the flags, and the exact strings of option values.

export const GLOBAL_OPTIONS: OptionSpec[] = [
  { flags: "--json", description: "Print exactly one JSON document on stdout" },
  {
    flags: "--project <name>",
    description: "Project to act on (else IDSE_PROJECT, the only project, CURRENT_PROJECT)",
  },
  { flags: "--cwd <dir>", description: "Run as if started in <dir>" },
  { flags: "-q, --quiet", description: "Print only errors and requested data" },
  { flags: "-y, --yes", description: "Assume yes; never prompt" },
  { flags: "-h, --help", description: "Show help" },
  { flags: "-v, --version", description: "Show the version" },
];

const byName = new Map<string, CommandEntry>(COMMANDS.map((c) => [c.name, c]));
const GROUPS = new Set(COMMANDS.filter((c) => c.name.includes(" ")).map((c) => c.name.split(" ")[0]!));

function helpText(cmd?: Command): string {
  const opts = (list: OptionSpec[]) => {
    const width = Math.max(...list.map((o) => o.flags.length));
    return list.map((o) => {
      const choices = o.choices ? ` (${o.choices.join("|")})` : "";
      return `  ${o.flags.padEnd(width)}  ${o.description}${choices}`;
    });
  };
  if (!cmd) {
    const width = Math.max(...COMMANDS.map((c) => `${c.name} ${c.args ?? ""}`.length));
    return [
      `idse ${VERSION}: the IDSE Developer Orchestrator`,
      "",
      "Usage: idse <command> [options]",
      "",
      "Commands:",
      ...COMMANDS.map((c) => `  ${`${c.name} ${c.args ?? ""}`.padEnd(width)}  ${c.summary}`),
      "",
      "Global options:",
      ...opts(GLOBAL_OPTIONS),
      "",
      "Run `idse <command> --help` for the options of a command, `idse <group>` (e.g. `idse plugin`)",
      "for the commands of a group, and `idse next` for what to do next.",
      "",
    ].join("\n");
  }
  // A command that also heads a group (`idse spine`, `idse spine propose`) lists its subcommands too.
  const subs = GROUPS.has(cmd.name) ? COMMANDS.filter((c) => c.name.startsWith(`${cmd.name} `)) : [];
  const subWidth = Math.max(0, ...subs.map((c) => `${c.name} ${c.args ?? ""}`.length));
  return [
    `Usage: idse ${cmd.name}${cmd.args ? ` ${cmd.args}` : ""} [options]`,
    ...(subs.length ? [`       idse ${cmd.name} <command> [options]`] : []),
    "",
    cmd.summary,
    ...(subs.length
      ? [
          "",
          "Commands:",
          ...subs.map((c) => `  ${`${c.name} ${c.args ?? ""}`.padEnd(subWidth)}  ${c.summary}`),
        ]
      : []),
    ...(cmd.options?.length ? ["", "Options:", ...opts(cmd.options)] : []),
    "",
    "Global options:",
    ...opts(GLOBAL_OPTIONS),
    ...(cmd.examples?.length ? ["", "Examples:", ...cmd.examples.map((e) => `  $ ${e}`)] : []),
    "",
  ].join("\n");
}

/** The help of a command group (`idse plugin --help`, bare `idse plugin`): its subcommands. */
function groupHelp(group: string): string {
  const subs = COMMANDS.filter((c) => c.name.startsWith(`${group} `));
  const width = Math.max(...subs.map((c) => `${c.name} ${c.args ?? ""}`.length));
  return [
    `Usage: idse ${group} <command> [options]`,
    "",
    "Commands:",
    ...subs.map((c) => `  ${`${c.name} ${c.args ?? ""}`.padEnd(width)}  ${c.summary}`),
    "",
    `Run \`idse ${group} <command> --help\` for the options of a command.`,
    "",
  ].join("\n");
}

/**
 * The same help as data (`--help --json`, and `idse --json` or `idse <group> --json`, which print help as
 * text): what an agent or a script reads to learn the commands and their options.
 */
function helpData(cmd?: Command, group?: string): HelpOutput {
  const opts = (list: readonly OptionSpec[] = []) =>
    list.map((o) => ({
      flags: o.flags,
      description: o.description,
      choices: o.choices ? [...o.choices] : null,
    }));
  const entries = (list: CommandEntry[]) =>
    list.map((c) => ({ name: c.name, args: c.args ?? null, summary: c.summary }));
  const prefix = cmd && GROUPS.has(cmd.name) ? cmd.name : group;
  const subs = prefix ? COMMANDS.filter((c) => c.name.startsWith(`${prefix} `)) : cmd ? [] : COMMANDS;
  return {
    topic: cmd?.name ?? group ?? null,
    usage: cmd
      ? `idse ${cmd.name}${cmd.args ? ` ${cmd.args}` : ""} [options]`
      : group
        ? `idse ${group} <command> [options]`
        : "idse <command> [options]",
    summary: cmd?.summary ?? null,
    commands: entries(subs),
    options: opts(cmd?.options),
    global_options: opts(GLOBAL_OPTIONS),
    examples: [...(cmd?.examples ?? [])],
  };
}

/** The closest command to what was typed: a subcommand of its group, else any command or group. */
async function unknownCommand(args: string[]): Promise<IdseError> {
  const { didYouMean } = await import("../suggest.ts");
  const group = GROUPS.has(args[0]!) ? args[0]! : undefined;
  const words = args.slice(0, group ? 2 : 1).join(" ");
  const names = group
    ? COMMANDS.filter((c) => c.name.startsWith(`${group} `)).map((c) => c.name)
    : [...COMMANDS.map((c) => c.name), ...GROUPS];
  const typed = group ? words : args[0]!;
  const suggestion = didYouMean(typed, names) ?? (group ? undefined : didYouMean(typed, GROUPS));
  return new IdseError("UNKNOWN_COMMAND", { command: words, ...(suggestion ? { suggestion } : {}) });
}

interface Parsed {
  cmd?: Command;
  args: string[];
  opts: Record<string, unknown>;
  global: GlobalOptions;
  help: boolean;
  version: boolean;
}

/**
 * What the parse has learnt so far, kept when it fails: the error envelope names the command and is JSON
 * when --json was given, without scanning argv a second time.
 */
interface ParseState {
  commandName: string;
  json: boolean;
  /** The command asked for its result in the JSON envelope (Output.envelope) without --json. */
  envelope?: boolean;
}

async function parse(argv: string[], io: Io, state: ParseState): Promise<Parsed> {
  const globalShapes = GLOBAL_OPTIONS.map(optionShape);
  // First pass, with the global options only: to find the command words (command options come after
  // them, and the command's own options are known only once it is loaded).
  const first = scanArgv(argv, globalShapes);
  state.json = first.options.has("--json");
  const [p0, p1] = first.positionals;
  let entry: CommandEntry | undefined;
  let folded = argv;
  let skip = 0;
  if (
    p0 &&
    GROUPS.has(p0.value) &&
    p1 &&
    byName.has(`${p0.value} ${p1.value}`) &&
    p1.index === p0.index + 1
  ) {
    entry = byName.get(`${p0.value} ${p1.value}`);
    folded = [...argv.slice(0, p0.index), entry!.name, ...argv.slice(p1.index + 1)];
    skip = 1;
  } else if (p0 && byName.has(p0.value)) {
    entry = byName.get(p0.value);
    skip = 1;
  }
  if (entry) state.commandName = entry.name;
  const cmd: Command | undefined = entry ? { ...entry, ...(await entry.load()) } : undefined;
  // Each option of this invocation with its shape, worked out once for the scan and the checks below.
  const options = [...GLOBAL_OPTIONS, ...(cmd?.options ?? [])].map((spec) => ({
    spec,
    shape: optionShape(spec),
  }));
  const scan = scanArgv(
    folded,
    options.map((o) => o.shape),
  );

  const parsedOpts = readFlags(
    folded,
    options.map((o) => o.shape),
  );
  // Unknown options: readFlags gives them back, camelCased, and they are reported here with a suggestion.
  const known = new Set(["--"]);
  for (const { shape } of options) {
    known.add(shape.long);
    for (const n of shape.names) known.add(camel(positive(n)));
  }
  for (const name of Object.keys(parsedOpts)) {
    if (known.has(name)) continue;
    const flag = name.length > 1 ? `--${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}` : `-${name}`;
    const { didYouMean } = await import("../suggest.ts");
    const longs = options.map((o) => `--${o.shape.names.at(-1)}`);
    const suggestion = didYouMean(flag, longs);
    throw new IdseError("UNKNOWN_OPTION", {
      option: flag,
      command: cmd?.name ?? "",
      ...(suggestion ? { suggestion } : {}),
    });
  }

  // Exact strings for value options (scanArgv); booleans and negations come from readFlags.
  const opts: Record<string, unknown> = { ...parsedOpts };
  for (const { spec: o, shape } of options) {
    // A switch takes no value but =true or =false: `--all=no` was read as --all.
    if (!shape.takesValue) {
      const v = opts[shape.long];
      if (typeof v === "string")
        throw new IdseError("USAGE", {
          reason: `option --${shape.names.at(-1)} is a switch: give it alone (or =true, =false), not =${v}`,
        });
      continue;
    }
    const raw = scan.values.get(shape.long);
    if (parsedOpts[shape.long] === true && !raw?.length && opts.help !== true) {
      throw new IdseError("USAGE", { reason: `option --${shape.names.at(-1)} needs a value` });
    }
    if (raw?.length) opts[shape.long] = o.multiple ? raw : raw.at(-1);
    else if (o.multiple) opts[shape.long] = [];
    else delete opts[shape.long];
    const value = opts[shape.long];
    if (o.required && opts.help !== true && (value === undefined || value === "")) {
      throw new IdseError("USAGE", { reason: `missing required option --${shape.names.at(-1)}` });
    }
    // The original's choices ignored case (`--status ARCHIVED`, `--stage TASKS`): its users' scripts keep working.
    const folded =
      o.choices && typeof value === "string" && !o.choices.includes(value)
        ? o.choices.find((c) => c.toLowerCase() === value.toLowerCase())
        : undefined;
    if (folded !== undefined) opts[shape.long] = folded;
    else if (o.choices && typeof value === "string" && !o.choices.includes(value)) {
      const { didYouMean } = await import("../suggest.ts");
      const suggestion = didYouMean(value, o.choices);
      throw new IdseError("INVALID_ENUM", {
        value,
        option: `--${shape.names.at(-1)}`,
        allowed: [...o.choices],
        ...(suggestion ? { suggestion } : {}),
      });
    }
  }
  const global: GlobalOptions = {
    json: opts.json === true,
    quiet: opts.quiet === true,
    yes: opts.yes === true,
    project: typeof opts.project === "string" ? opts.project : undefined,
    cwd: typeof opts.cwd === "string" ? opts.cwd : io.cwd,
  };
  return {
    cmd,
    args: scan.positionals.slice(skip).map((p) => p.value),
    opts,
    global,
    help: opts.help === true,
    version: opts.version === true,
  };
}

function checkArgs(cmd: Command, args: string[]): void {
  if (!cmd.args && !args.length) return;
  const specs = [...(cmd.args ?? "").matchAll(/[<[]([^>\]]+)[>\]]/g)].map((m) => ({
    name: m[1]!,
    required: m[0].startsWith("<"),
  }));
  const required = specs.filter((s) => s.required);
  if (args.length < required.length) {
    throw new IdseError("MISSING_ARGUMENT", { argument: required[args.length]!.name, command: cmd.name });
  }
  if (args.length > specs.length && !specs.at(-1)?.name.startsWith("...")) {
    throw new IdseError("USAGE", {
      reason: `unexpected argument "${args[specs.length]}" for \`idse ${cmd.name}\``,
    });
  }
}

function makeContext(
  io: Io,
  global: GlobalOptions,
  diagnostics: Diagnostic[],
): Context & { close(): Promise<void> } {
  let ws: Workspace | undefined;
  let storeAtOpen: ReturnType<typeof storeSnapshot> | undefined;
  // A store plugin's log lines (`[name] level: text`, src/plugins/host.ts): with -q only its warnings and
  // errors are printed, as -q prints only errors and requested data.
  const log = global.quiet
    ? (line: string) => {
        if (!/^\[[^\]]*\] info: /.test(line)) io.stderr(line);
      }
    : io.stderr;
  const wenv = { cwd: global.cwd, home: io.home, env: io.env, store: io.store, log };
  const ctx: Context & { close(): Promise<void> } = {
    io,
    global,
    now: (io.now?.() ?? new Date()).toISOString(),
    workspace: () => {
      if (!ws) {
        ws = openWorkspace(wenv);
        storeAtOpen = storeSnapshot(ws.idseDir);
      }
      return ws;
    },
    project: async () => resolveProject(ctx.workspace(), global.project, io.env),
    report: (d) => diagnostics.push(d),
    mutate: async (project, fn) => {
      const w = ctx.workspace();
      return withProjectLock(w, project, async () => {
        // `store migrate` may have switched the store while this process waited: its writes would go
        // to the old one. Checked under the lock, which a migration holds until it has switched.
        const now = storeSnapshot(w.idseDir);
        if (now.key !== storeAtOpen?.key) throw new IdseError("STORE_CHANGED", { store: now.plugin });
        // What a killed run left half done is finished or rolled back before anything else is changed.
        await recoverLocked(ctx, w, project);
        return fn(w);
      });
    },
    // A plugin store opened by the command holds connections and files: close them (never a test's io.store).
    close: async () => {
      if (ws) await closeStore(ws.store).catch(() => {});
    },
  };
  return ctx;
}

/**
 * The `store` section of config.json, comparable. An invalid section is left for the commands that use
 * it to report (doctor must still open the workspace).
 */
function storeSnapshot(idseDir: string): { key: string; plugin: string } {
  try {
    const s = readSection(idseDir, "store");
    const plugin = s?.plugin ?? s?.backend ?? "filesystem";
    return { key: JSON.stringify([plugin, s?.options ?? {}]), plugin };
  } catch {
    return { key: "(unreadable)", plugin: "(unreadable)" };
  }
}

/** Runs one invocation; returns the exit code. Never calls process.exit and never throws. */
export async function runCli(argv: string[], io: Io): Promise<number> {
  const diagnostics: Diagnostic[] = [];
  const state: ParseState = { commandName: "", json: false };
  let parsed: Parsed | undefined;
  const style = decideStyle(io.env, io.stdoutIsTTY === true);
  setStyle(style);
  // What the result and the diagnostics are printed through: on a terminal, values a repository wrote
  // cannot drive it (src/terminal-text.ts).
  const sink = terminalPrinter(io, style.color);
  try {
    parsed = await parse(argv, io, state);
    const { cmd, args, opts, global } = parsed;
    const help = (topic?: Command, group?: string) =>
      printResult(sink, { json: true, quiet: false, command: "help" }, true, helpData(topic, group), [], "");
    if (parsed.help) {
      const group = !cmd && args.length === 1 && GROUPS.has(args[0]!) ? args[0] : undefined;
      if (!cmd && args.length > 0 && !group) throw await unknownCommand(args);
      if (global.json) help(cmd, group);
      else io.stdout(group ? groupHelp(group) : helpText(cmd));
      return EXIT.ok;
    }
    // `--version` prints the version wherever it stands, as `--help` prints help (every command's help
    // lists it among the global options).
    if (parsed.version) {
      const versionCmd = await byName.get("version")!.load();
      const data = await versionCmd.run(makeContext(io, global, diagnostics), [], {}, commandOutput());
      printResult(
        sink,
        { json: global.json, quiet: false, command: "version" },
        true,
        data,
        [],
        `idse ${VERSION}`,
      );
      return EXIT.ok;
    }
    if (!cmd) {
      // `idse` alone lists the commands, a bare group its subcommands: with --json, as the help's data.
      if (args.length === 0) {
        if (global.json) help();
        else io.stdout(helpText());
        return EXIT.ok;
      }
      if (args.length === 1 && GROUPS.has(args[0]!)) {
        if (global.json) help(undefined, args[0]);
        else io.stdout(groupHelp(args[0]!));
        return EXIT.ok;
      }
      throw await unknownCommand(args);
    }
    checkArgs(cmd, args);
    // Once per run: the repository still holds the Python original's database (docs/migrating.md).
    const notice = await originalDbNotice(cmd.name, global.cwd);
    if (notice) diagnostics.push(notice);
    const ctx = makeContext(io, global, diagnostics);
    const out = commandOutput();
    const data = await recoverAtStart(ctx)
      .then(() => cmd.run(ctx, args, opts, out))
      .finally(() => ctx.close());
    if (out.handedOff !== undefined) return out.handedOff; // printed by the process it ran (src/rerun.ts)
    const exitCode = cmd.exitCode?.(data) ?? EXIT.ok;
    const json = global.json || out.json;
    state.envelope = out.json; // a failure from here on is printed as the result would have been
    // With --json the text is never printed: do not build it (a large table costs milliseconds).
    const text = json
      ? undefined
      : out.pieces
        ? out.pieces()
        : cmd.text
          ? cmd.text(data)
          : `${JSON.stringify(data, null, 2)}`;
    const ok = exitCode === EXIT.ok;
    printResult(sink, { json, quiet: global.quiet, command: cmd.name }, ok, data, diagnostics, text);
    return exitCode;
  } catch (err) {
    const f = failure(err);
    printResult(
      sink,
      {
        json: state.envelope || (parsed?.global.json ?? state.json),
        quiet: false,
        command: state.commandName,
      },
      false,
      null,
      [...diagnostics, ...f.diagnostics],
      undefined,
    );
    return f.exitCode;
  }
}
