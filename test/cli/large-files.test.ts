import { expect, test } from "bun:test";
import { closeSync, ftruncateSync, openSync } from "node:fs";
import { join } from "node:path";
import { MAX_READ_BYTES } from "../../src/store/path-guard.ts";
import { idse, tempDir } from "../helpers.ts";

// A file past MAX_READ_BYTES in the repository is refused with FILE_TOO_LARGE before it is read: a 500 MB
// spec.md made `artifact read` fail with "internal error: Out of memory" and `validate` grow to 2 GB (an
// attacker review). The file here is sparse: it takes no disk.

function resize(file: string, bytes: number): void {
  const fd = openSync(file, "r+");
  ftruncateSync(fd, bytes);
  closeSync(fd);
}

test("a 500 MB document is FILE_TOO_LARGE for every command that reads it; one at the limit is read", async () => {
  const cwd = tempDir();
  expect((await idse(["init", "shop", "-q"], { cwd })).code).toBe(0);
  expect((await idse(["remote", "add", "backup", join(tempDir("idse-remote-"), "r")], { cwd })).code).toBe(0);
  const spec = join(cwd, ".idse/projects/shop/sessions/__blueprint__/specs/spec.md");
  resize(spec, 500 * 1024 * 1024);
  for (const argv of [["artifact", "read", "--stage", "spec"], ["validate"], ["sync", "status"]]) {
    const r = await idse([...argv, "--json"], { cwd });
    const d = r.json?.diagnostics.find((x: { code: string }) => x.code === "FILE_TOO_LARGE");
    expect({ argv, code: r.code, found: d !== undefined }, r.stdout).toEqual({ argv, code: 1, found: true });
    expect(d.message).toContain("500 MB");
  }
  resize(spec, MAX_READ_BYTES);
  const r = await idse(["artifact", "read", "--stage", "spec", "--json"], { cwd });
  expect(r.json?.diagnostics.some((x: { code: string }) => x.code === "FILE_TOO_LARGE")).toBe(false);
});

test("a path thousands of characters long is shortened in the message; the diagnostic keeps it whole", async () => {
  const { IdseError, toDiagnostic } = await import("../../src/errors.ts");
  const { formatDiagnostic } = await import("../../src/cli/output.ts");
  const file = `/repo/.idse/projects/shop/sessions/s/notes/${"d/".repeat(2500)}x`;
  const d = toDiagnostic(new IdseError("IO_ERROR", { op: "access", file, reason: "ENAMETOOLONG" }));
  expect(d.file).toBe(file);
  expect(formatDiagnostic(d).length).toBeLessThan(300);
  expect(formatDiagnostic(d)).toContain("…");
});
