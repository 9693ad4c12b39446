import { describe, expect, test } from "bun:test";
import { IdseError } from "../../src/errors.ts";
import { assertExistingId, assertNewId, isListableId } from "../../src/ids.ts";

const valid = ["auth", "customer-portal", "a", "v1.2_beta", "0day", "a".repeat(64)];
const invalid = [
  "",
  "../x",
  "a/b",
  "/abs",
  "..",
  ".hidden",
  "Auth",
  "a b",
  "a\u0007b",
  "-lead",
  "a".repeat(65),
  "a\\b",
];

describe("ids", () => {
  test.each(valid)("accepts new id %p", (id) => {
    expect(assertNewId("project", id)).toBe(id);
  });
  test.each(invalid)("rejects new id %p with INVALID_ID", (id) => {
    try {
      assertNewId("session", id);
      throw new Error("accepted");
    } catch (err) {
      expect(err).toBeInstanceOf(IdseError);
      expect((err as IdseError).code).toBe("INVALID_ID");
      expect((err as IdseError).exitCode).toBe(2);
    }
  });
  test("__blueprint__ is a valid session id but not a new project id", () => {
    expect(assertNewId("session", "__blueprint__")).toBe("__blueprint__");
    expect(() => assertNewId("project", "__blueprint__")).toThrow(IdseError);
  });
  test("existing ids written by the Python original stay readable, escapes do not", () => {
    expect(assertExistingId("session", "Legacy_Session 1")).toBe("Legacy_Session 1");
    for (const bad of ["../x", "a/b", "", ".."])
      expect(() => assertExistingId("session", bad)).toThrow(IdseError);
    expect(isListableId(".DS_Store")).toBe(false);
    expect(isListableId("__blueprint__")).toBe(true);
  });
});
