/** Text for HTML and SVG: the five characters that could open markup or end an attribute. */
export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
