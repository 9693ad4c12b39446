import type { Shell } from "./complete.ts";

// The completion scripts: each asks `idse completion --complete -- <words…>` for the candidates of the
// word under the cursor (complete.ts) and offers them; `__files__` means "complete a path". IDSE_BIN
// overrides the program the script runs (default: idse on PATH).

const BASH = `# idse completion for bash. Install: idse completion bash > ~/.local/share/bash-completion/completions/idse
_idse_complete() {
  local IFS=$'\\n' cur="\${COMP_WORDS[COMP_CWORD]}" out
  out=$("\${IDSE_BIN:-idse}" completion --complete -- "\${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null) || return 0
  if [[ "$out" == "__files__" ]]; then
    COMPREPLY=($(compgen -f -- "$cur"))
    compopt -o filenames 2>/dev/null
    return 0
  fi
  COMPREPLY=($out)
}
complete -F _idse_complete idse
`;

const ZSH = `#compdef idse
# idse completion for zsh. Install: idse completion zsh > "\${fpath[1]}/_idse" (then restart zsh),
# or in ~/.zshrc after compinit: source <(idse completion zsh)
_idse() {
  local out
  local -a candidates
  out=$("\${IDSE_BIN:-idse}" completion --complete -- "\${(@)words[2,CURRENT]}" 2>/dev/null) || return 1
  if [[ "$out" == "__files__" ]]; then
    _files
    return
  fi
  candidates=("\${(@f)out}")
  compadd -- "\${candidates[@]}"
}
if [[ "\${funcstack[1]}" == "_idse" ]]; then
  _idse "$@"
else
  compdef _idse idse
fi
`;

const FISH = `# idse completion for fish. Install: idse completion fish > ~/.config/fish/completions/idse.fish
function __idse_complete
    set -l words (commandline -opc)
    set -e words[1]
    set -l cur (commandline -ct)
    set -l bin idse
    set -q IDSE_BIN; and set bin $IDSE_BIN
    set -l out ($bin completion --complete -- $words "$cur" 2>/dev/null)
    if test "$out" = "__files__"
        __fish_complete_path "$cur"
        return
    end
    printf '%s\\n' $out
end
complete -c idse -f -a '(__idse_complete)'
`;

const POWERSHELL = `# idse completion for PowerShell. Install: idse completion powershell >> $PROFILE
Register-ArgumentCompleter -Native -CommandName idse -ScriptBlock {
  param($wordToComplete, $commandAst, $cursorPosition)
  $words = @($commandAst.CommandElements | Select-Object -Skip 1 | ForEach-Object { $_.ToString() })
  if ($wordToComplete -eq '') { $words += '""' }
  $bin = if ($env:IDSE_BIN) { $env:IDSE_BIN } else { 'idse' }
  $out = @(& $bin completion --complete -- @words 2>$null)
  if ($out.Count -eq 1 -and $out[0] -eq '__files__') { return }
  $out | ForEach-Object { [System.Management.Automation.CompletionResult]::new($_, $_, 'ParameterValue', $_) }
}
`;

export const SCRIPTS: Record<Shell, string> = { bash: BASH, zsh: ZSH, fish: FISH, powershell: POWERSHELL };
