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

/** Sets an own property, as Object.fromEntries would (a key "__proto__" included). */
const own = (o: object, key: string, value: unknown) =>
  Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });

export class Redactor {
  private readonly secrets = new Set<string>();
  /** The secrets longest first, so a secret that contains another is replaced whole (made on demand). */
  private sorted: string[] | undefined;

  /** Registers a secret (and its URL-encoded and base64 forms, as it may be echoed that way). */
  add(value: string | undefined): void {
    if (!value || value.length < MIN_SECRET_LENGTH) return;
    for (const form of [value, encodeURIComponent(value), Buffer.from(value).toString("base64")]) {
      this.secrets.add(form);
    }
    this.sorted = undefined;
  }

  get size(): number {
    return this.secrets.size;
  }

  redact(text: string): string {
    let out = text;
    this.sorted ??= [...this.secrets].sort((a, b) => b.length - a.length);
    for (const s of this.sorted) {
      if (out.includes(s)) out = out.split(s).join(REDACTED);
    }
    // Each generic shape needs its literal part: most strings (paths, hashes) are passed by untouched.
    if (out.includes("Bearer")) out = out.replace(GENERIC[0]![0], GENERIC[0]![1]);
    if (out.includes("@") && out.includes("://")) out = out.replace(GENERIC[1]![0], GENERIC[1]![1]);
    return out;
  }

  /**
   * `value` with every string redacted (object keys included): a copy where something changed, the
   * value itself where nothing did. A push of 70,007 documents returns as many results, each a dozen
   * strings: copying them all doubled what the command held at its end (issue 16).
   */
  redactValue<T>(value: T): T {
    if (typeof value === "string") return this.redact(value) as T;
    if (Array.isArray(value)) {
      let out: unknown[] | undefined;
      for (let i = 0; i < value.length; i++) {
        const v = this.redactValue(value[i]);
        if (v === value[i]) continue;
        out ??= value.slice();
        out[i] = v;
      }
      return (out ?? value) as T;
    }
    if (value && typeof value === "object") {
      const src = value as Record<string, unknown>;
      const keys = Object.keys(src);
      let out: Record<string, unknown> | undefined;
      for (let i = 0; i < keys.length; i++) {
        const k = keys[i]!;
        const nk = this.redact(k);
        const nv = this.redactValue(src[k]);
        if (!out && (nk !== k || nv !== src[k])) {
          out = {};
          for (let j = 0; j < i; j++) own(out, keys[j]!, src[keys[j]!]);
        }
        if (out) own(out, nk, nv);
      }
      return (out ?? value) as T;
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
