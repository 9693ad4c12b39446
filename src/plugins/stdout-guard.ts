// Standard output is idse's: one JSON document under --json, the MCP server's protocol, the hook's
// answer. A plugin's console.log and process.stdout.write go to standard error instead, from before its
// module runs, so a stray debugging line of a plugin cannot break that document or forge a protocol
// message. (A plugin that writes to file descriptor 1 itself is not stopped: its grants are no sandbox.)
//
// console is cheap to redirect. process.stdout is not: redefining it makes Bun build every stream of
// `process` (about 19 ms in a compiled binary: probes timed against an empty one, docs/plugins.md), so
// it is done only for a plugin that is not this binary's own copy (idse's own plugins never print).

let consoleGuarded = false;
let original: NodeJS.WriteStream | undefined;

export function guardStdout(o: { streams: boolean }): void {
  if (!consoleGuarded) {
    consoleGuarded = true;
    const toStderr = console.error.bind(console);
    console.log = console.info = console.debug = console.dir = console.table = toStderr;
  }
  if (o.streams && original === undefined) {
    original = process.stdout;
    Object.defineProperty(process, "stdout", { configurable: true, get: () => process.stderr });
  }
}

/** The process's real standard output stream, wherever a plugin made `process.stdout` lead. */
export const realStdout = (): NodeJS.WriteStream => original ?? process.stdout;
