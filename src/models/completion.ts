import * as v from "valibot";
import { d } from "./common.ts";

export const CompletionOutput = d(
  v.object({
    shell: d(
      v.nullable(v.picklist(["bash", "zsh", "fish", "powershell"])),
      "The shell of `script`, or null (--complete).",
    ),
    script: d(v.nullable(v.string()), "The completion script, or null (--complete)."),
    candidates: d(
      v.array(v.string()),
      "With --complete: what may replace the last word (`__files__`: a path).",
    ),
  }),
  "Result of `idse completion`.",
);
export type CompletionOutput = v.InferOutput<typeof CompletionOutput>;
