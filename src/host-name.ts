// This machine's host name, as lock owners and journals record it. node:os is taken on first use, not
// imported: it was loaded at every start by the modules that record a host (recovery, the file lock, the
// intent journal), which `status` and `validate` load without ever asking (docs/benchmarks.md,
// "Start-up"). A leaf: imports nothing.

let name: string | undefined;

/** os.hostname(), once per process. */
export function hostname(): string {
  name ??= (process.getBuiltinModule("node:os") as typeof import("node:os")).hostname();
  return name;
}
