import { expect } from "bun:test";
import { type DesignStore, sha256Hex } from "../../../src/store/contract.ts";
import type { StoreCase } from "./suite.ts";

// The key/value contract itself: listing, presence, removal, hashes, bad keys, batches, odd text.

const kinds = async (s: DesignStore, prefix: string) =>
  (await s.list(prefix)).map((e) => `${e.name}${e.kind === "dir" ? "/" : ""}`);

/** Names chosen to trip SQL emulations: shared prefixes, '.', '-' and '0' around '/', non-ASCII order. */
const LISTING: Record<string, string> = {
  "l/A": "upper",
  "l/a.md": "file beside a folder of a shorter name",
  "l/a/b.md": "in folder a",
  "l/a-b/c.md": "in folder a-b",
  "l/a0": "'0' is the character after '/'",
  "l/ab": "longer name",
  "l/z/y/x/w.md": "deep",
  "l/é.md": "U+00E9",
  "l/ｚ.md": "U+FF5A: after the emoji in UTF-16 order, before it in UTF-8 order",
  "l/😀.md": "astral",
  "l.md": "a sibling of the prefix",
  "l0/x.md": "the next prefix up",
  "lz/x.md": "a longer prefix",
};

const INVALID_KEYS = ["../x", "/etc/passwd", "a/../../b", "a//b", "a/./b", "a\\b", "a\0b", "", "a/"];

export const BASIC_CASES: StoreCase[] = [
  {
    id: "listing",
    title: "list returns the immediate children, sorted by UTF-16 code unit, with their kind",
    async run({ open }) {
      const s = await open();
      for (const [k, v] of Object.entries(LISTING)) await s.write(k, v);
      expect(await kinds(s, "l")).toEqual([
        "A",
        "a/",
        "a-b/",
        "a.md",
        "a0",
        "ab",
        "z/",
        "é.md",
        "😀.md",
        "ｚ.md",
      ]);
      expect(await kinds(s, "l/a")).toEqual(["b.md"]);
      expect(await kinds(s, "l/z")).toEqual(["y/"]);
      expect(await kinds(s, "l/z/y/x")).toEqual(["w.md"]);
      expect(await kinds(s, "l/a.md")).toEqual([]);
      expect(await kinds(s, "nothing/here")).toEqual([]);
      await s.remove("l/z");
      await s.remove("l/ab");
      expect(await kinds(s, "l")).toEqual(["A", "a/", "a-b/", "a.md", "a0", "é.md", "😀.md", "ｚ.md"]);
    },
  },
  {
    id: "list-tree",
    title: "listTree returns every file and folder below a prefix, relative and sorted",
    needs: ["listTree"],
    async run({ open }) {
      const s = await open();
      for (const [k, v] of Object.entries(LISTING)) await s.write(k, v);
      expect(await s.listTree!("l/z")).toEqual(["y", "y/x", "y/x/w.md"]);
      expect(await s.listTree!("l")).toEqual(
        ["A", "a", "a/b.md", "a-b", "a-b/c.md", "a.md", "a0", "ab", "z", "z/y", "z/y/x", "z/y/x/w.md"]
          .concat(["é.md", "😀.md", "ｚ.md"])
          .sort(),
      );
      expect(await s.listTree!("missing")).toEqual([]);
    },
  },
  {
    id: "has-remove",
    title: "has sees files and folders; remove takes a file or a whole folder, and nothing beside it",
    async run({ open }) {
      const s = await open();
      for (const k of ["x/y/z.md", "x/y/w/v.md", "x/y.md", "x/y-z/a.md", "x/y0", "x/yy"]) await s.write(k, k);
      expect(await s.has("x")).toBe(true);
      expect(await s.has("x/y")).toBe(true);
      expect(await s.has("x/y/z.md")).toBe(true);
      expect(await s.has("x/y/z")).toBe(false); // a prefix of a name is not a key
      expect(await s.has("x/y-")).toBe(false);
      await s.remove("x/y");
      expect(await s.has("x/y")).toBe(false);
      expect(await s.read("x/y/w/v.md")).toBeUndefined();
      expect(await kinds(s, "x")).toEqual(["y-z/", "y.md", "y0", "yy"]);
      await s.remove("x/y.md");
      expect(await s.read("x/y.md")).toBeUndefined();
      expect(await s.read("x/y0")).toBe("x/y0");
    },
  },
  {
    id: "hashes",
    title: "hash is the sha256 of the UTF-8 text, follows every write, and is undefined when missing",
    needs: ["hash"],
    async run({ open }) {
      const s = await open();
      for (const text of ["", "plain", "Grüße, 世界 🚀\r\n", "x".repeat(100_000)]) {
        await s.write("h/doc.md", text);
        expect(await s.hash!("h/doc.md")).toBe(sha256Hex(text));
      }
      expect(sha256Hex("")).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
      expect(await s.hash!("h/none.md")).toBeUndefined();
      expect(await s.hash!("h")).toBeUndefined();
      await s.remove("h/doc.md");
      expect(await s.hash!("h/doc.md")).toBeUndefined();
    },
  },
  {
    id: "not-found",
    title: "missing keys read as undefined, list empty, and remove quietly",
    async run({ open }) {
      const s = await open();
      expect(await s.read("projects/none/CURRENT_SESSION")).toBeUndefined();
      expect(await s.has("projects/none")).toBe(false);
      expect(await s.list("projects/none")).toEqual([]);
      await s.remove("projects/none/sessions");
      await s.write("projects/p/sessions/a/intents/intent.md", "x");
      // A folder has no text of its own.
      expect(await s.read("projects/p/sessions/a")).toBeUndefined();
      expect(await s.read("projects/p/sessions/a/intents/intent")).toBeUndefined();
      if (s.listTree) expect(await s.listTree("projects/none")).toEqual([]);
    },
  },
  {
    id: "idempotent",
    title: "writing the same text again, or removing twice, changes nothing",
    async run({ open }) {
      const s = await open();
      for (let i = 0; i < 3; i++) await s.write("i/a.md", "same");
      expect(await s.read("i/a.md")).toBe("same");
      expect(await s.list("i")).toEqual([{ name: "a.md", kind: "file" }]);
      await s.write("i/a.md", "other");
      await s.write("i/a.md", "same");
      expect(await s.read("i/a.md")).toBe("same");
      await s.remove("i/a.md");
      await s.remove("i/a.md");
      expect(await s.has("i/a.md")).toBe(false);
      // (Whether the emptied folder "i" still exists is the store's business: a file system keeps it.)
      expect(await s.list("i")).toEqual([]);
    },
  },
  {
    id: "keys",
    title: "keys that could escape the store are refused by every method",
    async run({ open }) {
      const s = await open();
      for (const key of INVALID_KEYS) {
        const bad = /invalid store key/;
        await expect(s.read(key)).rejects.toThrow(bad);
        await expect(s.write(key, "x")).rejects.toThrow(bad);
        await expect(s.has(key)).rejects.toThrow(bad);
        await expect(s.remove(key)).rejects.toThrow(bad);
        await expect(s.list(key)).rejects.toThrow(bad);
        if (s.hash) await expect(s.hash(key)).rejects.toThrow(bad);
        if (s.listTree) await expect(s.listTree(key)).rejects.toThrow(bad);
        if (s.writeMany) await expect(s.writeMany([[key, "x"]])).rejects.toThrow(bad);
        if (s.lock) await expect(s.lock(key, { timeoutMs: 100 })).rejects.toThrow(bad);
      }
    },
  },
  {
    id: "write-many",
    title: "writeMany writes a batch, later entries win, and a bad key stops it before any write",
    needs: ["writeMany"],
    async run({ open }) {
      const s = await open();
      const batch = Array.from({ length: 50 }, (_, i) => [`b/${i}/doc.md`, `doc ${i} ✓`] as const);
      await s.writeMany!([...batch, ["b/0/doc.md", "again"]]);
      expect(await s.read("b/0/doc.md")).toBe("again");
      expect(await s.read("b/49/doc.md")).toBe("doc 49 ✓");
      expect((await s.list("b")).length).toBe(50);
      await expect(
        s.writeMany!([
          ["c/ok.md", "x"],
          ["c/../bad", "y"],
        ]),
      ).rejects.toThrow(/invalid store key/);
      expect(await s.has("c")).toBe(false);
      await s.writeMany!([]);
    },
  },
  {
    id: "unicode",
    title: "unicode keys and text, line endings and a byte-order mark are kept exactly",
    async run({ open }) {
      const s = await open();
      const texts = [
        "\uFEFF# Spec\r\nÜnïcødé — ‘quotes’ “double”\n",
        "日本語のテキスト、中文文本、한국어 텍스트\n",
        "עברית ومعها العربية\u200F\n",
        "e\u0301 (combining) vs \u00E9 (precomposed), 👩🏽‍💻 🏳️‍🌈 \u{1F600}\n",
        "tabs\tand\u00A0no-break\u2028line separator\n",
      ];
      for (const [i, t] of texts.entries())
        await s.write(`projects/café/sessions/naïve-${i}/specs/spec.md`, t);
      for (const [i, t] of texts.entries()) {
        expect(await s.read(`projects/café/sessions/naïve-${i}/specs/spec.md`)).toBe(t);
      }
      expect((await s.list("projects/café/sessions")).map((e) => e.name)).toEqual(
        texts.map((_, i) => `naïve-${i}`),
      );
    },
  },
  {
    id: "nul",
    title: "text holding U+0000 is kept exactly",
    async run({ open }) {
      const s = await open();
      await s.write("n/a.md", "before\0after");
      expect(await s.read("n/a.md")).toBe("before\0after");
    },
  },
  {
    id: "large",
    title: "a large document (4 MB of mixed scripts) and many documents round-trip intact",
    timeoutMs: 60_000,
    async run({ open }) {
      const s = await open();
      const big = `# Große Datei 🚀\n${"Lorem ipsum — ünïcødé 日本語 😀\n".repeat(110_000)}`;
      expect(Buffer.byteLength(big)).toBeGreaterThan(4_000_000);
      await s.write("big/spec.md", big);
      expect(await s.read("big/spec.md")).toBe(big);
      if (s.hash) expect(await s.hash("big/spec.md")).toBe(sha256Hex(big));
      const doc = (i: number) => `doc ${i}\n${"a".repeat(10_000)}`;
      for (let i = 0; i < 300; i++) await s.write(`many/${String(i).padStart(3, "0")}.md`, doc(i));
      expect((await s.list("many")).length).toBe(300);
      expect(await s.read("many/299.md")).toBe(doc(299));
    },
  },
];
