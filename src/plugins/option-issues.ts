// A plugin's options are checked by its own schema (any Standard Schema library), whose messages speak
// the library's words ("Invalid key: Expected \"database_id\" but received undefined"). This turns the
// common ones into idse's words, naming the option, so the hint can name the `--option` to give.

export interface StandardIssue {
  message: string;
  path?: readonly unknown[];
}

const key = (p: unknown) => String((p as { key?: unknown })?.key ?? p);

/** One issue in idse's words: `option "database_id" is required`. */
export function describeIssue(issue: StandardIssue): string {
  const name = issue.path?.map(key).join(".");
  const what = name ? `option "${name}"` : "the options";
  const m = issue.message;
  if (/received undefined$/.test(m)) return `${what} is required`;
  const unknown = /^Invalid key: Expected never but received "(.+)"$/.exec(m);
  if (unknown) return `option "${name ?? unknown[1]}" is not an option of this plugin`;
  const type = /^Invalid type: Expected (.+) but received (.+)$/.exec(m);
  if (type) return `${what} must be ${type[1]} (it is ${type[2]})`;
  // A plugin's own message (already in its words) stays as it is, after the option's name.
  return `${name || "options"}: ${m}`;
}

/** Every issue in idse's words, and the options they are about (the ones a hint should name). */
export function describeIssues(issues: readonly StandardIssue[]): { reason: string; options: string[] } {
  const options = [...new Set(issues.map((i) => i.path?.map(key).join(".")).filter((n): n is string => !!n))];
  return { reason: issues.map(describeIssue).join("; "), options };
}
