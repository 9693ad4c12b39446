// Files embedded with `import x from "./file" with { type: "text" }` (Bun and Deno both support it).
declare module "*.md" {
  const text: string;
  export default text;
}
