import { describe, expect, test } from "bun:test";
import {
  artifactOf,
  assertKey,
  childrenOf,
  idOf,
  idPatterns,
  keyOf,
  STAGE_PATHS,
} from "../../../plugins/notion-store/src/keys.ts";
import {
  BLOCK_BYTES,
  batches,
  blockTexts,
  chunks,
  formatRecord,
  paragraph,
  parseRecord,
  REQUEST_BYTES,
  sha256,
  TEXT_LIMIT,
} from "../../../plugins/notion-store/src/text.ts";
import { assertKey as coreAssertKey, sha256Hex } from "../../../src/store/contract.ts";
import { STAGE_PATHS as CORE_STAGE_PATHS, keys, STAGES } from "../../../src/store/layout.ts";

// The pure parts of notion-store: how text becomes blocks and rich_text chunks and back, the commit
// record, and how keys become IDSE_IDs. The store's own copies of idse's key rules and stage table are
// checked against src/ here, since a plugin may import only types from idse.

const join = (texts: string[]) => texts.join("");
const isLow = (c: number) => c >= 0xdc00 && c <= 0xdfff;

describe("text → blocks → text", () => {
  const samples: Record<string, string> = {
    empty: "",
    newlines: "\n\n\n",
    crlf: "# Spec\r\n\r\nbody\r\n",
    bom: "\uFEFF# Title\n",
    emoji: "😀".repeat(5000),
    cjk: `${"日本語のテキスト、中文文本、한국어 텍스트\n".repeat(4000)}`,
    mixed: `# Große Datei 🚀\n${"Lorem ipsum — ünïcødé 日本語 😀\n".repeat(9000)}`,
    "one long line": "x".repeat(300_001),
    "astral long line": "👩🏽‍💻".repeat(40_000),
    "200 KB": `${"## Section\n\nSome text with a trailing space \n".repeat(4400)}\n\n`,
  };
  for (const [name, text] of Object.entries(samples)) {
    test(`${name}: chunks of ≤ ${TEXT_LIMIT} code units, no split pair, blocks ≤ ${BLOCK_BYTES} bytes, exact bytes back`, () => {
      const blocks = blockTexts(text);
      expect(join(blocks)).toBe(text);
      expect(sha256(join(blocks))).toBe(sha256Hex(text));
      for (const b of blocks) {
        expect(Buffer.byteLength(b)).toBeLessThanOrEqual(BLOCK_BYTES);
        expect(b.length).toBeGreaterThan(0);
        const cs = chunks(b);
        expect(cs.join("")).toBe(b);
        expect(cs.length).toBeLessThanOrEqual(100);
        for (const c of cs) {
          expect(c.length).toBeLessThanOrEqual(TEXT_LIMIT);
          expect(isLow(c.charCodeAt(0))).toBe(false);
        }
      }
      for (const batch of batches(blocks.map(paragraph))) {
        expect(batch.length).toBeLessThanOrEqual(100);
        expect(Buffer.byteLength(JSON.stringify({ children: batch }))).toBeLessThan(REQUEST_BYTES + 1000);
      }
    });
  }

  test("blocks end after a newline when one is in the second half of the block", () => {
    const text = `${"a".repeat(40_000)}\n${"b".repeat(40_000)}\n`;
    expect(blockTexts(text)).toEqual([`${"a".repeat(40_000)}\n`, `${"b".repeat(40_000)}\n`]);
  });
});

describe("commit record", () => {
  test("formats and parses each kind; anything else is none", () => {
    const doc = {
      kind: "doc",
      sha: sha256("x"),
      length: 1,
      start: "b1",
      count: 1,
      at: 1767225600000,
    } as const;
    expect(parseRecord(formatRecord(doc))).toEqual(doc);
    const empty = { ...doc, start: undefined, count: 0 };
    expect(formatRecord(empty)).toContain(" - 0 ");
    expect(parseRecord(formatRecord(empty))).toEqual(empty);
    expect(parseRecord("idse1 pending 5")).toEqual({ kind: "pending", at: 5 });
    expect(parseRecord("idse1 lock h1 99")).toEqual({ kind: "lock", holder: "h1", expires: 99 });
    for (const junk of ["", "hello", "idse1 doc nothex 1 - 0 1", "idse2 pending 1", "idse1 lock h1"]) {
      expect(parseRecord(junk)).toEqual({ kind: "none" });
    }
  });
});

describe("keys and IDSE_IDs", () => {
  test("the store's stage table and key rules are idse's", () => {
    expect(JSON.stringify(STAGE_PATHS)).toBe(JSON.stringify(CORE_STAGE_PATHS));
    const samples = [
      "a",
      "a/b.md",
      "../x",
      "/etc/passwd",
      "a//b",
      "a/./b",
      "a\\b",
      "a\0b",
      "",
      "a/",
      ".owner",
      "x/.y",
    ];
    for (const k of samples) {
      const ours = (() => {
        try {
          return assertKey(k);
        } catch (e) {
          return (e as Error).message;
        }
      })();
      const core = (() => {
        try {
          return coreAssertKey(k);
        } catch (e) {
          return (e as Error).message;
        }
      })();
      expect(ours).toBe(core);
    }
  });

  test("artifacts use the Python original's <project>::<session>::<stage>; other keys are themselves", () => {
    for (const stage of STAGES) {
      const key = keys.artifact("shop", "auth", stage);
      expect(idOf(key)).toBe(`shop::auth::${stage}`);
      expect(keyOf(idOf(key))).toBe(key);
    }
    const others = [
      keys.sessionMetadata("shop", "auth"),
      keys.stageState("shop", "auth"),
      keys.owner("shop", "auth"),
      keys.sessionState("shop"),
      keys.currentSession("shop"),
      keys.agentRegistry("shop"),
      keys.meta("shop"),
      keys.config,
      "projects/shop/sessions/auth/specs/notes.md",
    ];
    for (const key of others) {
      expect(idOf(key)).toBe(key);
      expect(keyOf(key)).toBe(key);
    }
  });

  test("ids that could be read two ways are written so they cannot", () => {
    expect(idOf("a::b::intent")).toBe("./a::b::intent");
    expect(keyOf("./a::b::intent")).toBe("a::b::intent");
    const odd = "projects/a::b/sessions/s/specs/spec.md";
    expect(artifactOf(odd)).toBeUndefined();
    expect(keyOf(idOf(odd))).toBe(odd);
    // Not canonical, or not a key: ignored rather than misread.
    for (const id of ["projects/p/sessions/s/specs/spec.md", "../x", "", "a::b::nostage/"]) {
      expect(keyOf(id) === undefined || idOf(keyOf(id)!) === id).toBe(true);
    }
    expect(keyOf("projects/p/sessions/s/specs/spec.md")).toBeUndefined();
    expect(keyOf("../x")).toBeUndefined();
  });

  test("the id patterns of a prefix cover every key below it", () => {
    const all = [
      ...STAGES.map((s) => keys.artifact("shop", "auth", s)),
      ...STAGES.map((s) => keys.artifact("shop", "pay", s)),
      keys.sessionMetadata("shop", "auth"),
      keys.currentSession("shop"),
      keys.artifact("web", "auth", "spec"),
      "projects/a::b/sessions/s/specs/spec.md",
      "config.json",
    ];
    const prefixes = ["projects", "projects/shop", "projects/shop/sessions", "projects/shop/sessions/auth"];
    prefixes.push(
      "projects/shop/sessions/auth/specs",
      "projects/shop/sessions/auth/metadata",
      "projects/a::b",
    );
    for (const prefix of prefixes) {
      const p = idPatterns(prefix);
      for (const key of all.filter((k) => k.startsWith(`${prefix}/`))) {
        const id = idOf(key);
        expect(p.all || p.equals.includes(id) || p.startsWith.some((s) => id.startsWith(s))).toBe(true);
      }
    }
    expect(childrenOf("projects/shop/sessions", all).map((e) => `${e.name}:${e.kind}`)).toEqual([
      "auth:dir",
      "pay:dir",
    ]);
  });
});
