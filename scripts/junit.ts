// Reading the JUnit report `bun test --reporter=junit` writes: scripts/test.ts needs the skipped tests by
// file and name (the totals alone cannot say whether a skip is on the allowed list).

export interface CaseRef {
  file: string;
  name: string;
}

const unescapeXml = (x: string) =>
  x
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");

/** Every skipped (or todo) test case of the report: its file and name. */
export function skippedTests(xml: string): CaseRef[] {
  const out: CaseRef[] = [];
  for (const m of xml.matchAll(/<testcase\s([^>]*?)(?:\/>|>([\s\S]*?)<\/testcase>)/g)) {
    if (!m[2] || !/<skipped\b/.test(m[2])) continue;
    const attrs = ` ${m[1]}`;
    const attr = (n: string) => unescapeXml(new RegExp(`\\s${n}="([^"]*)"`).exec(attrs)?.[1] ?? "");
    out.push({ file: attr("file"), name: attr("name") });
  }
  return out;
}
