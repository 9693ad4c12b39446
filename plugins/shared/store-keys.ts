// Key helpers shared by the first-party store plugins (bundled into each by scripts/build-plugins.ts).
// idse's store core checks every key before a driver sees it and builds folder trees from `keys`; what is
// left here is what a driver needs itself: the key rules, to tell which names read back from a backend
// are keys (notion-store's ids; they repeat src/store/contract.ts assertKey because a plugin imports only
// types from idse, and test/stores/notion checks both agree), and the range of a prefix for SQL.

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
