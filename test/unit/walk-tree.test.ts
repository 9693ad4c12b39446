import { describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, realpathSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { guardRead } from "../../src/store/path-guard.ts";
import { walkTree } from "../../src/store/walk-tree.ts";
import { tempDir } from "../helpers.ts";

// src/store/walk-tree.ts: a tree listed without Bun's recursive readdir, which follows symlinked folders
// (into anything, and round a loop for ever).

function tree(): string {
  const root = realpathSync(tempDir("idse-walk-"));
  for (const d of ["a/b/c", "d", "e f"]) mkdirSync(join(root, d), { recursive: true });
  for (const f of ["x.md", "a/y.md", "a/b/z.md", "a/b/c/w.json", "e f/g h.md"])
    writeFileSync(join(root, f), f);
  return root;
}

const sorted = (list: string[] | undefined) => [...(list ?? [])].sort();

describe("walkTree", () => {
  test("lists a tree without links as a recursive readdir does", () => {
    const root = tree();
    const want = (readdirSync(root, { recursive: true }) as string[]).sort();
    expect(sorted(walkTree(root))).toEqual(want);
    expect(want).toContain("a/b/c/w.json");
  });

  test("a link is listed by its name and not entered without `follow`: a loop and / end the walk", () => {
    const root = tree();
    symlinkSync("..", join(root, "a", "up"));
    symlinkSync(".", join(root, "self"));
    symlinkSync("/", join(root, "slash"));
    const list = sorted(walkTree(root));
    expect(list).toContain("a/up");
    expect(list).toContain("self");
    expect(list).toContain("slash");
    expect(
      list.filter((p) => p.startsWith("slash/") || p.startsWith("self/") || p.startsWith("a/up/")),
    ).toEqual([]);
  });

  test("`follow`: a linked folder elsewhere is entered once; links into the walk's folder or above it are not", () => {
    const repo = realpathSync(tempDir("idse-walk-repo-"));
    const root = join(repo, "tree");
    mkdirSync(join(root, "a"), { recursive: true });
    mkdirSync(join(repo, "docs", "old"), { recursive: true });
    writeFileSync(join(repo, "docs", "old", "spec.md"), "old");
    writeFileSync(join(root, "a", "y.md"), "y");
    symlinkSync("../docs/old", join(root, "archive"));
    symlinkSync("../../docs/old", join(root, "a", "archive-again"));
    symlinkSync("..", join(root, "a", "up")); // the walk's own folder
    symlinkSync(".", join(root, "a", "self")); // inside it
    symlinkSync("../..", join(repo, "docs", "old", "repo")); // above it, from the followed folder
    const list = walkTree(root, { real: root, follow: (p) => guardRead(repo, p) })!;
    for (const link of ["archive", "a/archive-again", "a/up", "a/self"]) expect(list).toContain(link);
    const specs = list.filter((p) => p.endsWith("spec.md"));
    expect(specs.length).toBe(1);
    expect(["archive/spec.md", "a/archive-again/spec.md"]).toContain(specs[0]!);
    expect(list.filter((p) => /(^|\/)(up|self|repo)\//.test(p))).toEqual([]);
    expect(list.filter((p) => p.endsWith("y.md"))).toEqual(["a/y.md"]);
  });

  test("`follow`: a folder reached by two links (one to its parent) is listed under both; the walk ends", () => {
    const repo = realpathSync(tempDir("idse-walk-repo-"));
    const root = join(repo, "tree");
    mkdirSync(root);
    mkdirSync(join(repo, "docs", "old"), { recursive: true });
    writeFileSync(join(repo, "docs", "old", "spec.md"), "old");
    symlinkSync("../docs/old", join(root, "archive"));
    symlinkSync("../docs", join(root, "docs"));
    symlinkSync("..", join(repo, "docs", "old", "back")); // from docs/old to docs
    const list = walkTree(root, { real: root, follow: (p) => guardRead(repo, p) })!;
    const specs = list.filter((p) => p.endsWith("spec.md")).sort();
    expect(specs.length).toBeGreaterThanOrEqual(2);
    expect(specs.length).toBeLessThanOrEqual(3);
  });

  test("`follow` throws for a link that leads out of the boundary, and the walk throws it", () => {
    const repo = realpathSync(tempDir("idse-walk-repo-"));
    mkdirSync(join(repo, "tree"));
    symlinkSync(tempDir("idse-walk-outside-"), join(repo, "tree", "out"));
    expect(() =>
      walkTree(join(repo, "tree"), { real: join(repo, "tree"), follow: (p) => guardRead(repo, p) }),
    ).toThrow(expect.objectContaining({ code: "PATH_OUTSIDE_WORKSPACE" }));
  });

  test("a dangling link, a FIFO and a link to a file are listed, never entered or opened", () => {
    const root = tree();
    symlinkSync(join(root, "nowhere"), join(root, "dangling"));
    symlinkSync("x.md", join(root, "x-link.md"));
    expect(spawnSync("mkfifo", [join(root, "pipe")]).status).toBe(0);
    const list = walkTree(root, { real: root, follow: (p) => guardRead(root, p) });
    for (const name of ["dangling", "x-link.md", "pipe"]) expect(list).toContain(name);
  });

  test("`visit` false ends the walk with undefined", () => {
    const root = tree();
    const seen: string[] = [];
    const r = walkTree(root, {
      visit: (rel) => {
        seen.push(rel);
        return rel !== "a/y.md";
      },
    });
    expect(r).toBeUndefined();
    expect(seen.at(-1)).toBe("a/y.md");
  });

  test("a missing folder throws ENOENT, as readdir does", () => {
    expect(() => walkTree(join(tempDir(), "missing"))).toThrow(expect.objectContaining({ code: "ENOENT" }));
  });
});
