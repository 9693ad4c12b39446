import { describe, expect, test } from "bun:test";
import { type ErrorCode, errorCodes, STORE_ERROR_CODES } from "../src/catalogue/index.ts";
import { SAMPLES } from "../src/catalogue/samples.ts";
import { type Diagnostic, IdseError, toDiagnostic } from "../src/errors.ts";
import type { StoreErrorData } from "../src/plugins/api.ts";
import { attribute } from "../src/plugins/wrap.ts";

// Each error code's data is a type (src/catalogue/errors.ts). The `@ts-expect-error` lines are the proof
// that tsc (`npm run typecheck`, which covers test/) refuses a wrong call: if one of them compiled, the
// directive itself would fail the type-check. The functions holding them are never called: they exist
// for the compiler. The run-time half builds every code from its sample.

function refusedByTheCompiler(): IdseError[] {
  return [
    // @ts-expect-error a missing field: SESSION_NOT_FOUND needs `project` as well
    new IdseError("SESSION_NOT_FOUND", { session: "auth" }),
    // @ts-expect-error a wrongly typed field: `projects` is a list
    new IdseError("NO_PROJECT", { projects: "shop" }),
    // @ts-expect-error a field the code does not have (an object literal is checked exactly)
    new IdseError("PROJECT_EXISTS", { project: "shop", sesion: "auth" }),
    // @ts-expect-error an unknown code
    new IdseError("NO_SUCH_CODE", {}),
    // @ts-expect-error data left out of a code that has required fields
    new IdseError("USAGE"),
    // @ts-expect-error a code known only at run time goes through IdseError.of
    new IdseError("USAGE" as ErrorCode, { reason: "x" }),
    // @ts-expect-error a code's data is not another code's
    new IdseError("SESSION_NOT_FOUND", SAMPLES.USAGE),
  ];
}

function acceptedByTheCompiler(): IdseError[] {
  return [
    new IdseError("SESSION_NOT_FOUND", { session: "auth", project: "shop" }),
    // A code whose data has no required field needs no data.
    new IdseError("DEMOTE_REASON_REQUIRED"),
    // Optional fields may be left out.
    new IdseError("UNKNOWN_COMMAND", { command: "frobnicate" }),
    // Only IdseError.of takes a code known at run time, with untyped data.
    IdseError.of("PLUGIN_ERROR" as ErrorCode, { anything: 1 }),
  ];
}

function storeDataIsTyped(): StoreErrorData<"STORE_AUTH">[] {
  return [
    { reason: "refused", store: "postgres", sqlstate: "28P01" },
    // @ts-expect-error a store error's data always has its reason
    { store: "postgres" },
    // @ts-expect-error `store` names the store's kind, a string
    { reason: "refused", store: 5 },
  ];
}

// Referenced so the type-only functions are not flagged as unused; never called.
export const typeChecks = [refusedByTheCompiler, acceptedByTheCompiler, storeDataIsTyped];

const codes = Object.keys(errorCodes()) as ErrorCode[];

describe("typed error codes", () => {
  test("every code has a sample, and every sample is a code", () => {
    expect(Object.keys(SAMPLES).sort()).toEqual([...codes].sort());
  });

  test("every code's message and hint build from its sample without throwing, and say something", () => {
    const empty: string[] = [];
    for (const code of codes) {
      const err = IdseError.of(code, SAMPLES[code]);
      if (!err.message.trim()) empty.push(`${code}: empty message`);
      if (err.hint !== undefined && !err.hint.trim()) empty.push(`${code}: empty hint`);
      expect(err.exitCode).toBe(errorCodes()[code].exit);
    }
    expect(empty).toEqual([]);
  });

  test("the data passed is the diagnostic's extra keys, as given", () => {
    const data = SAMPLES.SESSION_NOT_FOUND;
    const d: Diagnostic = toDiagnostic(new IdseError("SESSION_NOT_FOUND", data));
    expect(d).toMatchObject({ severity: "error", code: "SESSION_NOT_FOUND", ...data });
    expect(d.message).toBe('session "nope" does not exist in project "shop"');
  });

  test("IdseError.of builds the same error as the typed constructor", () => {
    const typed = new IdseError("REMOTE_EXISTS", { remote: "core" });
    const untyped = IdseError.of("REMOTE_EXISTS", { remote: "core" });
    expect([untyped.code, untyped.message, untyped.hint, untyped.exitCode]).toEqual([
      typed.code,
      typed.message,
      typed.hint,
      typed.exitCode,
    ]);
  });

  test("a store code a plugin throws untyped is kept with its data (plugins/wrap.ts)", () => {
    for (const code of STORE_ERROR_CODES) {
      const thrown = Object.assign(new Error("boom"), { code, data: { reason: "refused", store: "pg" } });
      const err = attribute("pg-store", "read()", thrown) as IdseError;
      expect({ code: err.code, reason: err.data.reason, plugin: err.data.plugin }).toEqual({
        code,
        reason: "refused",
        plugin: "pg-store",
      });
    }
  });

  test("LOCKED from a store's own lock says what its reason says, not an empty pid", () => {
    const thrown = Object.assign(new Error("boom"), {
      code: "LOCKED",
      data: { reason: "projects/p/.idse.lock is locked by another idse process", store: "sqlite" },
    });
    const err = attribute("sqlite-store", "lock()", thrown) as IdseError;
    expect(err.message).toBe(
      'store "sqlite-store" is locked: projects/p/.idse.lock is locked by another idse process',
    );
    // The file lock's own error keeps its words.
    expect(new IdseError("LOCKED", { file: ".idse/projects/p/.lock", pid: 7 }).message).toBe(
      ".idse/projects/p/.lock is locked by another idse process (pid 7)",
    );
  });
});
