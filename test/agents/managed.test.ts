import { describe, expect, test } from "bun:test";
import { BEGIN, END, planFile, sha256, splitManaged } from "../../src/routing/managed.ts";

// Managed markers: idse owns only the text between its markers, and only while it is what idse wrote.

const body = "# Generated\n\nline\n";
const block = (b = body) => `${BEGIN}\n${b}${END}\n`;
const plan = (existing: string | undefined, recorded?: string, force = false, preamble?: string) =>
  planFile("claude-code", { path: "CLAUDE.md", body, preamble }, existing, recorded, force);

describe("splitManaged", () => {
  test("finds the text around and between the markers", () => {
    expect(splitManaged(`mine\n\n${block()}after\n`)).toEqual({
      kind: "managed",
      before: "mine\n",
      inner: "# Generated\n\nline",
      after: "after\n",
    });
  });
  test("no markers, or broken ones", () => {
    expect(splitManaged("just my text\n").kind).toBe("none");
    expect(splitManaged(`${BEGIN}\nno end\n`).kind).toBe("malformed");
    expect(splitManaged(`${END}\n${BEGIN}\n`).kind).toBe("malformed");
    expect(splitManaged(`${block()}${block()}`).kind).toBe("malformed");
  });
  test("CRLF files are read too", () => {
    const crlf = block().replace(/\n/g, "\r\n");
    const s = splitManaged(crlf);
    expect(s.kind).toBe("managed");
    if (s.kind === "managed") expect(sha256(s.inner)).toBe(sha256(body));
    // A checkout with CRLF line endings is not an edit.
    expect(plan(crlf, sha256(body)).action).toBe("unchanged");
    expect(plan(crlf).action).toBe("unchanged");
  });
});

describe("planFile", () => {
  test("a missing file is created, with its preamble before the markers", () => {
    const p = plan(undefined, undefined, false, "---\nalwaysApply: true\n---\n");
    expect(p.action).toBe("created");
    expect(p.text).toBe(`---\nalwaysApply: true\n---\n${block()}`);
    expect(p.hash).toBe(sha256(body));
  });

  test("the same block is unchanged and nothing is written", () => {
    const p = plan(`mine\n${block()}`, sha256(body));
    expect(p.action).toBe("unchanged");
    expect(p.text).toBeUndefined();
  });

  test("a block idse wrote is updated; text outside the markers survives byte for byte", () => {
    const old = "# Old\n";
    const existing = `My notes\n\n${block(old)}\nMore notes\n`;
    const p = plan(existing, sha256(old));
    expect(p.action).toBe("updated");
    expect(p.text).toBe(`My notes\n\n${block()}\nMore notes\n`);
  });

  test("a block edited by hand is kept unless --force", () => {
    const existing = `${block("# Old\nmy edit\n")}`;
    const kept = plan(existing, sha256("# Old\n"));
    expect(kept).toMatchObject({ action: "kept", reason: "edited" });
    expect(kept.text).toBeUndefined();
    expect(kept.hash).toBeUndefined();
    const forced = plan(existing, sha256("# Old\n"), true);
    expect(forced.action).toBe("updated");
    expect(forced.text).toBe(block());
  });

  test("without a recorded hash, a different block counts as edited", () => {
    expect(plan(block("# Other\n"))).toMatchObject({ action: "kept", reason: "edited" });
  });

  test("a file without markers is the user's: kept, or with --force the block is appended", () => {
    expect(plan("hand written\n")).toMatchObject({ action: "kept", reason: "unmanaged" });
    const forced = plan("hand written\n", undefined, true);
    expect(forced.action).toBe("updated");
    expect(forced.text).toBe(`hand written\n\n${block()}`);
  });

  test("broken markers: kept; --force drops the stray marker and appends a block", () => {
    const existing = `keep me\n${BEGIN}\nhalf\n`;
    expect(plan(existing)).toMatchObject({ action: "kept", reason: "malformed" });
    const forced = plan(existing, undefined, true);
    expect(forced.text).toBe(`keep me\nhalf\n\n${block()}`);
    expect(splitManaged(forced.text!).kind).toBe("managed");
  });

  test("bytes is the size of the generated text", () => {
    expect(plan(undefined).bytes).toBe(Buffer.byteLength(body));
  });
});
