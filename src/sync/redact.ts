import { type Diagnostic, IdseError } from "../errors.ts";

// Credentials must never reach stdout, stderr, a JSON document or an error message, even when a server
// echoes them back in an error body. Every value the sync host hands a plugin from the environment or the
// credentials file is registered here, and everything sync prints passes through `redact` on its way out.
// Generic shapes (bearer headers, passwords in URLs) are masked too, for secrets we were never told of.

export const REDACTED = "[REDACTED]";

/** Values shorter than this are not treated as secrets: masking "1" everywhere would garble output. */
const MIN_SECRET_LENGTH = 6;

const GENERIC: [RegExp, string][] = [
  [/\bBearer\s+[A-Za-z0-9._~+/=-]{8,}/g, `Bearer ${REDACTED}`],
  [/\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@"'`]+):[^\s/@"'`]+@/gi, `$1:${REDACTED}@`],
];

export class Redactor {
  private readonly secrets = new Set<string>();

  /** Registers a secret (and its URL-encoded and base64 forms, as it may be echoed that way). */
  add(value: string | undefined): void {
    if (!value || value.length < MIN_SECRET_LENGTH) return;
    for (const form of [value, encodeURIComponent(value), Buffer.from(value).toString("base64")]) {
      this.secrets.add(form);
    }
  }

  get size(): number {
    return this.secrets.size;
  }

  redact(text: string): string {
    let out = text;
    // Longest first, so a secret that contains another is replaced whole.
    for (const s of [...this.secrets].sort((a, b) => b.length - a.length)) {
      if (out.includes(s)) out = out.split(s).join(REDACTED);
    }
    for (const [re, replacement] of GENERIC) out = out.replace(re, replacement);
    return out;
  }

  /** A deep copy with every string redacted (object keys included). */
  redactValue<T>(value: T): T {
    if (typeof value === "string") return this.redact(value) as T;
    if (Array.isArray(value)) return value.map((v) => this.redactValue(v)) as T;
    if (value && typeof value === "object") {
      return Object.fromEntries(
        Object.entries(value).map(([k, v]) => [this.redact(k), this.redactValue(v)]),
      ) as T;
    }
    return value;
  }

  /** The same error with its data, message and details redacted; anything else becomes INTERNAL. */
  redactError(err: unknown): IdseError {
    if (err instanceof IdseError) {
      return new IdseError(
        err.code,
        this.redactValue(err.data),
        err.details.map((d) => this.redactValue(d) as Diagnostic),
      );
    }
    const e = err as NodeJS.ErrnoException;
    if (e && typeof e.code === "string" && typeof e.path === "string") {
      return new IdseError("IO_ERROR", {
        op: e.syscall ?? "access",
        file: this.redact(e.path),
        reason: e.code,
      });
    }
    return new IdseError("INTERNAL", { reason: this.redact(e?.message ?? String(err)) });
  }
}
