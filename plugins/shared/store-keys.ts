// Key helpers shared by the first-party store plugins (bundled into each by scripts/build-plugins.ts).
// The key rules repeat src/store/contract.ts assertKey because a plugin imports only types from idse; the
// conformance suite checks that both reject the same keys.

export function assertKey(key: string): string {
  if (
    key === "" ||
    key.startsWith("/") ||
    key.includes("\\") ||
    key.includes("\0") ||
    key.split("/").some((seg) => seg === ".." || seg === "." || seg === "")
  ) {
    throw new Error(`invalid store key ${JSON.stringify(key)}`);
  }
  return key;
}

/**
 * The keys strictly below `prefix` are exactly those in [lo, hi): every one starts with `prefix/`, and
 * '0' is the character after '/', so in binary (code point) order nothing else falls between.
 */
export function range(prefix: string): { lo: string; hi: string } {
  return { lo: `${prefix}/`, hi: `${prefix}0` };
}

export const byCodeUnit = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Every file and folder below `prefix`, relative, sorted: what listTree returns, from the file keys. */
export function treeOf(lo: string, fileKeys: Iterable<string>): string[] {
  const out = new Set<string>();
  for (const key of fileKeys) {
    const rel = key.slice(lo.length);
    out.add(rel);
    for (let i = rel.indexOf("/"); i >= 0; i = rel.indexOf("/", i + 1)) out.add(rel.slice(0, i));
  }
  return [...out].sort(byCodeUnit);
}
