// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the strings are .npmrc text, where ${VAR} is literal
import { expect, test } from "bun:test";
import { realpathSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import fc from "fast-check";
import { expand } from "../../src/plugins/npmrc.ts";

// `${VAR}` in an .npmrc is expanded by npm's own rule (unset stays as written, `${VAR?}` is empty,
// backslashes escape): checked against the env-replace module of the npm on PATH, on random text made
// of the characters that rule reads.

function npmEnvReplace(): (text: string, env: Record<string, string>) => string {
  const npmCli = realpathSync(Bun.which("npm")!); // …/node_modules/npm/bin/npm-cli.js
  const require = createRequire(join(dirname(dirname(npmCli)), "package.json"));
  return require("@npmcli/config/lib/env-replace.js");
}

const env = { TOKEN: "t0k", EMPTY: "", A: "a" };

test("npm's examples", () => {
  expect(expand("${TOKEN}", env)).toBe("t0k");
  expect(expand("${UNSET}", env)).toBe("${UNSET}");
  expect(expand("${UNSET?}", env)).toBe("");
  expect(expand("${EMPTY}x", env)).toBe("x");
  expect(expand("\\${TOKEN}", env)).toBe("${TOKEN}");
  expect(expand("\\\\${TOKEN}", env)).toBe("\\t0k");
});

test("the same text as npm's env-replace, on random text", () => {
  const npm = npmEnvReplace();
  const piece = fc.constantFrom("$", "{", "}", "\\", "?", "${", "TOKEN", "EMPTY", "UNSET", "A", "x", "é");
  fc.assert(
    fc.property(fc.array(piece, { maxLength: 14 }), (pieces) => {
      const text = pieces.join("");
      expect(expand(text, env)).toBe(npm(text, env));
    }),
    { numRuns: 3000 },
  );
});
