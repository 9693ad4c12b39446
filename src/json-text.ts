// JSON files people edit may start with a UTF-8 byte order mark (some Windows editors write one). JSON
// forbids it, so JSON.parse refuses it; idse accepts it on every JSON file it reads, rather than call a
// good file corrupt. (Rewritten files are written without one.)

const BOM = "\uFEFF";

/** JSON.parse, after dropping one leading byte order mark (typed like JSON.parse, for drop-in use). */
// biome-ignore lint/suspicious/noExplicitAny: the same contract as JSON.parse, which every caller replaced
export function parseJsonText(text: string): any {
  return JSON.parse(text.startsWith(BOM) ? text.slice(1) : text);
}
