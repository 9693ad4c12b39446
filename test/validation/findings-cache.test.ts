import { expect, test } from "bun:test";
import { existsSync, readFileSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { idse, tempDir } from "../helpers.ts";

// The findings cache of `validate --all` (src/findings-cache.ts): an unchanged session's report comes from
// the cache (shown by planting a marker in the cached report), a second run reports exactly what the
// first did, and a changed document, another rule selection or an edited blueprint spec (the Spine) is
// validated again. The cache file is made clearly newer than the documents, so the racy-git rule (a file
// not older than the cache is never trusted) does not hide a hit on a fast machine.

const CACHE = (cwd: string) => join(cwd, ".idse/.cache/findings/shop.tsv");
const DOC = (cwd: string, session: string, path: string) =>
  join(cwd, ".idse/projects/shop/sessions", session, path);
const MARK = "PLANTED-BY-THE-TEST";

async function shop() {
  const cwd = tempDir();
  await idse(["init", "shop", "--no-create-agent-files"], { cwd });
  for (const s of ["alpha", "beta"]) {
    await idse(["session", "create", s], { cwd });
    // Filled in: a session of untouched templates is never cached (the engine reuses their findings).
    writeFileSync(DOC(cwd, s, "intents/intent.md"), `# Intent\n\n## Goal\n\nShip ${s}.\n`);
  }
  return cwd;
}

const reports = async (cwd: string, ...extra: string[]) => {
  const r = await idse(["validate", "--all", "--json", ...extra], { cwd });
  expect([0, 1]).toContain(r.code);
  return r.json!.data.reports as { session: string; findings: { message: string }[] }[];
};

/** Ages the cache by ten seconds against the documents, then plants MARK in `session`'s first finding. */
function plant(cwd: string, session: string) {
  const lines = readFileSync(CACHE(cwd), "utf8").split("\n");
  const i = lines.findIndex((l) => l.startsWith(`${session}\t`));
  expect(i).toBeGreaterThan(1);
  const [id, key, json] = lines[i]!.split("\t");
  const entry = JSON.parse(json!);
  expect(entry.report.findings.length).toBeGreaterThan(0);
  entry.report.findings[0].message = MARK;
  lines[i] = `${id}\t${key}\t${JSON.stringify(entry)}`;
  writeFileSync(CACHE(cwd), lines.join("\n"));
  const later = Date.now() / 1000 + 10;
  utimesSync(CACHE(cwd), later, later);
}

const planted = (rs: { session: string; findings: { message: string }[] }[], session: string) =>
  rs.find((r) => r.session === session)!.findings.some((f) => f.message === MARK);

test("a project of untouched templates keeps no findings", async () => {
  const cwd = tempDir();
  await idse(["init", "shop", "--no-create-agent-files"], { cwd });
  await reports(cwd);
  await reports(cwd);
  expect(existsSync(CACHE(cwd))).toBe(false);
});

test("validate --all reuses the findings of unchanged sessions and reports the same", async () => {
  const cwd = await shop();
  const first = await reports(cwd);
  // A second and third run (the first may have recorded statuses, which changes those sessions' files).
  await reports(cwd);
  const later = Date.now() / 1000 + 10;
  utimesSync(CACHE(cwd), later, later);
  expect(await reports(cwd)).toEqual(first);
  expect(readFileSync(join(cwd, ".idse/.cache/.gitignore"), "utf8")).toContain("*");

  plant(cwd, "alpha");
  const hit = await reports(cwd);
  expect(planted(hit, "alpha")).toBe(true);
  expect(planted(hit, "beta")).toBe(false);
});

test("a changed document, another --rule or an edited blueprint spec is validated again", async () => {
  const cwd = await shop();
  await reports(cwd);
  await reports(cwd);

  plant(cwd, "alpha");
  const intent = DOC(cwd, "alpha", "intents/intent.md");
  writeFileSync(intent, `${readFileSync(intent, "utf8")}\nOne more line.\n`);
  expect(planted(await reports(cwd), "alpha")).toBe(false);

  await reports(cwd);
  plant(cwd, "beta");
  expect(planted(await reports(cwd, "--rule", "idse/no-requires-input"), "beta")).toBe(false);

  await reports(cwd);
  plant(cwd, "beta");
  const spec = DOC(cwd, "__blueprint__", "specs/spec.md");
  writeFileSync(spec, `${readFileSync(spec, "utf8")}\n`);
  expect(planted(await reports(cwd), "beta")).toBe(false);
});

test("a corrupt findings cache is ignored and rebuilt; a run of hits leaves the file as it was", async () => {
  const cwd = await shop();
  const first = await reports(cwd);
  await reports(cwd);
  const later = Date.now() / 1000 + 10;
  utimesSync(CACHE(cwd), later, later);
  const kept = readFileSync(CACHE(cwd), "utf8");
  expect(await reports(cwd)).toEqual(first);
  expect(readFileSync(CACHE(cwd), "utf8")).toBe(kept);
  for (const junk of ["garbage", `${kept.split("\n").slice(0, 2).join("\n")}\nalpha-without-tabs\n`]) {
    writeFileSync(CACHE(cwd), junk);
    utimesSync(CACHE(cwd), later, later);
    expect(await reports(cwd)).toEqual(first);
    expect(readFileSync(CACHE(cwd), "utf8").split("\n")[0]).toBe("idse-findings-cache 2");
  }
});
