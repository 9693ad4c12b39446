// Values that only stand for a secret: placeholders in documentation and templates, and the examples that
// providers publish (AWS's AKIAIOSFODNN7EXAMPLE, the jwt.io sample). Blocking them would teach users to
// allow-list real findings by reflex, so every finding's value passes through `isPlaceholder` first.
// Real tokens are random: a run of eight equal characters or a counted sequence does not occur in one by
// chance (about 1 in 10^7 for a 64-character hex token), so those shapes are safe to treat as filler.

/** Published example credentials, matched exactly or as the leading part of the finding. */
const DOCUMENTED = [
  ["AKIAIOSFODNN7", "EXAMPLE"],
  ["wJalrXUtnFEMI/K7MDENG/bPxRfiCY", "EXAMPLEKEY"],
  // jwt.io's sample token (HS256, {"sub":"1234567890","name":"John Doe","iat":1516239022}); its header
  // and payload are what identify it, whichever signature is shown beside them.
  [
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.",
    "eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ",
  ],
].map((parts) => parts.join(""));

const FILLER = [
  /x{4,}|X{4,}|\*{3,}|\.{3,}|_{4,}|#{4,}|•{3,}/,
  /(.)\1{7,}/,
  /0123456789|123456789|abcdefghij|ABCDEFGHIJ/,
  /^<[^<>]{1,80}>$|<[A-Za-z][A-Za-z0-9 _-]{1,60}>/,
  /\$\{[^}]{1,100}\}|\$\(\s?[^)]{1,100}\)|\{\{[^}]{1,100}\}\}|^\$[A-Z_][A-Z0-9_]{1,60}$|^%[A-Z_][A-Z0-9_]{1,60}%$/,
  /\b(?:your|my|insert|enter|replace|put)[_ -]?(?:[a-z]{1,12}[_ -]){0,3}(?:key|token|secret|password|pass|pat|credential|id)s?\b/i,
  /(?:^|[^A-Za-z])(?:example|examplekey|placeholder|changeme|change[_-]me|redacted|dummy|sample|fake|not[_-]?a[_-]?real|replace[_-]?me|todo|fixme)(?:[^A-Za-z]|$)/i,
];

export function isPlaceholder(value: string): boolean {
  if (DOCUMENTED.some((d) => value.startsWith(d) || d.startsWith(value))) return true;
  return FILLER.some((re) => re.test(value));
}
