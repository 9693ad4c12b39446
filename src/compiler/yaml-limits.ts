// How much of an Agent Profile's YAML idse reads (limits.ts enforces them; plain.ts's scanner stays
// inside them). A leaf, apart from limits.ts: importing that from plain.ts loaded the yaml library with
// validate's profile reader (check.ts), whose plain path must not need it (test/build-chunks.test.ts).

export const YAML_LIMITS = { bytes: 64 * 1024, depth: 64, aliases: 100 } as const;
