import { BLUEPRINT } from "../ids.ts";
import { keys } from "../layout.ts";

// Spine doctrine (DESIGN.md §1): sync never edits the Product Spine on its own. The Spine is the table
// under a heading that names it ("## 4. Product Spine Table" in the blueprint's spec.md). A pull that
// would change that table (rows, cells, or the section itself) is held back unless --accept-spine.

const HEADING = /^(#{1,6})\s+(.*)$/;

/** The Product Spine table of a document, normalised (trimmed cells); undefined when it has none. */
export function spineTable(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  const lines = text.split(/\r?\n/);
  let level = 0;
  let inFence = false;
  const rows: string[] = [];
  for (const line of lines) {
    if (/^\s*(```|~~~)/.test(line)) inFence = !inFence;
    const h = inFence ? null : HEADING.exec(line);
    if (h) {
      if (level && h[1]!.length <= level) break;
      if (!level && /product\s+spine/i.test(h[2]!)) level = h[1]!.length;
      continue;
    }
    if (level && line.trim().startsWith("|")) {
      rows.push(
        line
          .trim()
          .replace(/^\||\|$/g, "")
          .split("|")
          .map((c) => c.trim().replace(/\s+/g, " "))
          .join("|"),
      );
    }
  }
  return level ? rows.join("\n") : undefined;
}

export function isSpineDocument(key: string, project: string): boolean {
  return key === keys.artifact(project, BLUEPRINT, "spec");
}

/** Whether replacing `local` with `remote` changes the Product Spine. */
export function spineChanged(local: string | undefined, remote: string | undefined): boolean {
  return spineTable(local) !== spineTable(remote);
}
