import { IdseError } from "../../errors.ts";
import type { CompletionOutput } from "../../models/completion.ts";
import { defineCommand } from "../command.ts";
import { complete, SHELLS, type Shell, workspaceValues } from "../completion/complete.ts";

// `idse completion <shell>` prints the completion script for a shell; the script calls back
// `idse completion --complete -- <words…>` for the candidates of the word being typed.

export const completion = defineCommand<{ complete?: boolean }, CompletionOutput>({
  options: [
    { flags: "--complete", description: "Print the candidates for the words after -- (used by the scripts)" },
  ],
  examples: [
    "idse completion bash > ~/.local/share/bash-completion/completions/idse",
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a zsh expansion, printed for the user to type
    'idse completion zsh > "${fpath[1]}/_idse"',
    "idse completion fish > ~/.config/fish/completions/idse.fish",
    "idse completion powershell >> $PROFILE",
  ],
  async run(ctx, args, o) {
    if (o.complete) {
      // The project the typed line names, else the usual resolution.
      const at = args.indexOf("--project");
      const named = at >= 0 ? args[at + 1] : undefined;
      const project = async () => named || (await ctx.project());
      const source = workspaceValues(() => ctx.workspace(), project, ctx.io.env, ctx.io.home);
      return { shell: null, script: null, candidates: await complete(args, source) };
    }
    const [shell, ...extra] = args;
    if (!shell) throw new IdseError("MISSING_ARGUMENT", { argument: "shell", command: "completion" });
    if (extra.length) throw new IdseError("USAGE", { reason: `unexpected argument "${extra[0]}"` });
    if (!(SHELLS as readonly string[]).includes(shell)) {
      throw new IdseError("INVALID_ENUM", { value: shell, option: "<shell>", allowed: [...SHELLS] });
    }
    const { SCRIPTS } = await import("../completion/scripts.ts");
    return { shell: shell as Shell, script: SCRIPTS[shell as Shell], candidates: [] };
  },
  text: (d) => (d.script !== null ? d.script.trimEnd() : d.candidates.join("\n")),
});
