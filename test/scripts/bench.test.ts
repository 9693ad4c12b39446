import { describe, expect, test } from "bun:test";
import { markdownTable, mergeTable, selected } from "../../scripts/bench.ts";

// `npm run bench -- --only TEXT --write`: which cases run, and how re-measured rows enter the recorded
// table without losing the others.

const HEAD = ["Case", "How", "Runs", "Median (ms)", "p95 (ms)", "Peak RSS (MB)", "Budget", "Result"];
const RIGHT = [false, false, true, true, true, true, false, false];
const row = (name: string, how: string, median: string) => [
  name,
  how,
  "30",
  median,
  "1.0",
  "20.0",
  "—",
  "pass",
];

describe("bench --only", () => {
  test("selects by case-insensitive substring; nothing given selects everything", () => {
    expect(selected([], "`report` (1,001 sessions)")).toBe(true);
    expect(selected(["REPORT"], "`report` (1,001 sessions)")).toBe(true);
    expect(selected(["next", "report"], "`status --all` (1,001 sessions)")).toBe(false);
  });

  test("a re-measured row replaces its namesake; a new one goes after the last process row", () => {
    const recorded = markdownTable(HEAD, RIGHT, [
      row("`status`", "process", "11.4"),
      row("`next`", "process", "54.1"),
      row("readAllSessions", "in-process", "10.1"),
    ]);
    const measured = markdownTable(HEAD, RIGHT, [
      row("`next`", "process", "50.2"),
      row("`report` (a long new name)", "process", "300.5"),
    ]);
    const merged = mergeTable(recorded, measured);
    const names = merged
      .split("\n")
      .slice(2)
      .map((l) => l.split(" | ")[0]!.slice(2).trim());
    expect(names).toEqual(["`status`", "`next`", "`report` (a long new name)", "readAllSessions"]);
    expect(merged).toContain("50.2");
    expect(merged).not.toContain("54.1");
    // Still one table, every line padded to the same width.
    expect(new Set(merged.split("\n").map((l) => l.length)).size).toBe(1);
  });
});
