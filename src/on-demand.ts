// A library loaded the first time a document needs it, then called synchronously. Validation is
// synchronous (src/validation/engine.ts), yet two of its libraries cost a compiled binary more to load than
// validating a session of untouched templates, which needs neither: markdown-it about 7 ms (its entity
// table is built at load) and yaml about 9 ms (docs/benchmarks.md, "Start-up"). So the synchronous code
// asks `get()`, which throws `NotLoaded` the first time; the asynchronous caller catches it, loads, and runs
// the same pure step again (`withLibraries`). A leaf: imports nothing.

/** Thrown by `get()` before the library is loaded; `load()` loads it. */
export class NotLoaded extends Error {
  constructor(readonly load: () => Promise<unknown>) {
    super("a library was used before it was loaded (run the step through withLibraries)");
  }
}

export interface OnDemand<T> {
  /** The library; throws NotLoaded until `load()` has finished once. */
  get(): T;
  load(): Promise<T>;
}

export function onDemand<T>(importer: () => Promise<T>): OnDemand<T> {
  let library: T | undefined;
  const load = async () => {
    library ??= await importer();
    return library;
  };
  return {
    get() {
      if (library === undefined) throw new NotLoaded(load);
      return library;
    },
    load,
  };
}

/**
 * Runs a synchronous step, loading each library it turns out to need and running it again. The step must
 * be pure up to the throw (validateSession is: it only computes), since a run that stopped half-way is
 * thrown away. At most one extra run per library, once per process.
 */
export async function withLibraries<T>(step: () => T): Promise<T> {
  for (;;) {
    try {
      return step();
    } catch (err) {
      if (!(err instanceof NotLoaded)) throw err;
      await err.load();
    }
  }
}
