import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type BrowserContext, chromium } from "playwright-core";
import { idse, REPO, tempDir } from "../helpers.ts";

// `idse report`, rendered by a real browser: Debian's chromium (test/debian-tools.sh), started headless
// by the test through playwright-core, with every request that is not the file itself refused and
// counted. Screenshots are kept under .tmp/ as test artifacts.

const ARTIFACTS = join(REPO, ".tmp", "report");
let context: BrowserContext;
const blocked: string[] = [];

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  context = await chromium.launchPersistentContext(tempDir("idse-chromium-"), {
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
  await context.route("**/*", (route) => {
    const url = route.request().url();
    if (url.startsWith("file:")) return route.continue();
    blocked.push(url);
    return route.abort();
  });
});

afterAll(async () => {
  await context?.close();
});

const SPEC = `# Spec: shop

## 4. Product Spine Table

| Component | Posture | Owner |
| --- | --- | --- |
| Checkout <API> | stable | ana |
| Search | experimental | bob |
`;

async function workspace() {
  const cwd = tempDir();
  const run = async (argv: string[], code = 0, stdin?: string) => {
    const r = await idse(argv, { cwd, stdin });
    if (r.code !== code) throw new Error(`${argv.join(" ")}: exit ${r.code} ${r.stderr}`);
    return r;
  };
  await run(["init", "shop", "--stack", "go", "--owner", "ana", "--no-create-agent-files"]);
  await run(["artifact", "write", "--stage", "spec", "--session", "__blueprint__"], 0, SPEC);
  for (const s of ["intent", "context", "spec"])
    await run(["session", "set-stage", "__blueprint__", "--stage", s, "--status", "completed"]);
  // The claims ledger: one active claim, one demoted (history, shown after the active ones).
  const claim = (text: string, cls: string) =>
    run(["blueprint", "declare", "--claim", text, "--classification", cls, "--source", "__blueprint__:spec"]);
  await claim("Prices are integer <cents>", "invariant");
  await claim("Orders belong to one customer", "ownership_rule");
  await run(["blueprint", "demote", "--claim-id", "2", "--reason", "carts are shared"]);
  await run(["spawn", "auth", "--plan", "feature"]);
  await run(["spawn", "login", "--plan", "feature", "--blueprint", "auth"]);
  await run(["spawn", "billing", "--plan", "feature", "--owner", "<b>bob</b>"]);
  await run(["session", "set-stage", "auth", "--stage", "intent", "--status", "completed"]);
  const remote = tempDir();
  await run(["remote", "add", "backup", remote]);
  await run(["sync", "push", "--session", "auth"]);
  const intent = "sessions/auth/intents/intent.md";
  writeFileSync(join(remote, "projects/shop", intent), "# Intent\n\nTheirs.\n");
  writeFileSync(join(cwd, ".idse/projects/shop", intent), "# Intent\n\nOurs.\n");
  await run(["sync", "pull", "--session", "auth"], 1);
  await run(["init", "admin", "--no-create-agent-files"]);
  return cwd;
}

describe("idse report", () => {
  test("one self-contained page that chromium renders: every section, no request leaves the file", async () => {
    const cwd = await workspace();
    const r = await idse(["report", "--out", "out/report.html", "--json"], { cwd });
    expect(r.code).toBe(0);
    expect(r.json!.data).toMatchObject({
      file: "out/report.html",
      projects: ["admin", "shop"],
      sessions: 5,
      claims: 1,
    });
    const file = join(cwd, "out/report.html");
    const html = readFileSync(file, "utf8");
    expect(html).not.toMatch(/<script|<link|src=|url\(/i);
    expect(html).not.toContain("<b>bob</b>"); // escaped, never markup
    expect(html).not.toContain("<cents>");

    const page = await context.newPage();
    await page.goto(`file://${file}`);
    expect(await page.title()).toBe("idse report");
    expect(await page.locator("#projects tbody tr").count()).toBe(2);
    const shop = page.locator("#p-shop");
    // The lineage: one drawn row per session, login under auth (indented further right).
    const rows = shop.locator("svg.lineage g[data-session]");
    expect(await rows.count()).toBe(4);
    const x = async (s: string) =>
      Number(await shop.locator(`svg.lineage g[data-session="${s}"] circle`).getAttribute("cx"));
    expect(await x("login")).toBeGreaterThan(await x("auth"));
    expect(await x("auth")).toBeGreaterThan(await x("__blueprint__"));
    const box = await shop.locator("svg.lineage").boundingBox();
    expect(box!.height).toBeGreaterThan(4 * 20);
    // The stage matrix, the queue, findings with links to the lines, sync with its conflict, the Spine.
    expect(await shop.locator("table.matrix tbody tr").count()).toBe(4);
    expect(await shop.locator("table.matrix td.completed").count()).toBe(4);
    expect(await shop.locator("table.queue").textContent()).toContain(
      "idse route plan --session __blueprint__ --project shop",
    );
    expect(await shop.locator("table.queue").textContent()).toContain("blocked");
    const link = shop.locator("details.findings a").first();
    expect(await link.getAttribute("href")).toMatch(
      /^\.\.\/\.idse\/projects\/shop\/sessions\/.+\.md(#L\d+)?$/,
    );
    expect(await shop.locator("table.sync").textContent()).toContain("1 conflict(s)");
    expect(await shop.locator("table.spine").textContent()).toContain("Checkout <API>");
    expect(await page.locator("#p-admin table.spine").count()).toBe(0);
    // The blueprint's claims: the active one first, the demoted one after it with its status.
    const claims = shop.locator("table.claims tbody tr");
    expect(await claims.count()).toBe(2);
    expect(await claims.nth(0).textContent()).toContain("Prices are integer <cents>");
    expect(await claims.nth(0).textContent()).toContain("active");
    expect(await claims.nth(1).textContent()).toContain("invalidated");
    expect(await page.locator("#p-admin table.claims").count()).toBe(0);
    expect(await page.locator("#p-admin").textContent()).toContain("No claims yet");
    expect(await shop.locator("table.matrix").textContent()).toContain("<b>bob</b>");

    // Light and dark follow the reader's system; print produces pages.
    const bg = () =>
      page.locator("body").evaluate(
        (b) =>
          (
            b.ownerDocument.defaultView as unknown as {
              getComputedStyle(e: unknown): { backgroundColor: string };
            }
          ).getComputedStyle(b).backgroundColor,
      );
    await page.emulateMedia({ colorScheme: "light" });
    expect(await bg()).toBe("rgb(255, 255, 255)");
    await page.screenshot({ path: join(ARTIFACTS, "report-light.png"), fullPage: true });
    await page.emulateMedia({ colorScheme: "dark" });
    expect(await bg()).toBe("rgb(13, 17, 23)");
    await page.screenshot({ path: join(ARTIFACTS, "report-dark.png"), fullPage: true });
    await page.emulateMedia({ media: "print", colorScheme: "light" });
    expect(await page.locator("nav").isVisible()).toBe(false);
    const pdf = await page.pdf({ format: "A4" });
    expect(pdf.subarray(0, 5).toString()).toBe("%PDF-");
    await page.close();
    expect(blocked).toEqual([]);
  }, 60_000);

  test("a claims ledger that fails verification is drawn as such, with a warning; the rest is written", async () => {
    const cwd = await workspace();
    const ledger = join(cwd, ".idse/projects/shop/sessions/__blueprint__/metadata/claims.jsonl");
    writeFileSync(ledger, readFileSync(ledger, "utf8").replace("integer <cents>", "floats"));
    const r = await idse(["report", "--json"], { cwd });
    expect(r.code).toBe(0);
    expect(r.json!.data.claims).toBe(0);
    expect(r.json!.diagnostics).toMatchObject([
      { severity: "warning", code: "LEDGER_TAMPERED", project: "shop" },
    ]);
    const html = readFileSync(join(cwd, ".idse/report.html"), "utf8");
    expect(html).toContain("LEDGER_TAMPERED");
    expect(html).toContain('table class="matrix"'); // the rest of the page is there
  });

  test("--out outside the repository is refused, and nothing is written", async () => {
    const cwd = await workspace();
    const r = await idse(["report", "--out", "../elsewhere.html", "--json"], { cwd });
    expect(r.code).toBe(2);
    expect(r.json!.diagnostics[0].code).toBe("OUTPUT_OUTSIDE_REPO");
  });
});
