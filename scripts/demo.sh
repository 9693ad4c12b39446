#!/usr/bin/env bash
# The demo: run by `npm run demo` after the build. It creates a throwaway repository and walks through
# every capability of idse, printing each command as you would type it (quoted, so it can be copied)
# and what it prints. Set IDSE_DEMO_DIR to keep the workspace somewhere instead of a temporary folder.
set -euo pipefail
bin="$(cd "$(dirname "$0")/.." && pwd)/dist"
demo="${IDSE_DEMO_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/idse-demo-XXXXXX")}"
[ -n "${IDSE_DEMO_DIR:-}" ] || trap 'rm -rf "$demo"' EXIT
mkdir -p "$demo/repo"
cd "$demo/repo"
export HOME="$demo" PATH="$bin:$PATH" NO_COLOR=1

# A word as a shell would need it typed: plain when safe, else in single quotes.
q() { if [[ "$1" =~ ^([A-Za-z0-9_./:=@,+%-]+|\||>|2>&1)$ ]]; then printf '%s' "$1"; else printf "'%s'" "${1//\'/\'\\\'\'}"; fi; }
show() { printf '\n$'; for w in "$@"; do printf ' %s' "$(q "$w")"; done; printf '\n'; }
# run: show a command and run it; fails: the same for a command that is meant to exit non-zero.
run() { show "$@"; "$@"; }
fails() { show "$@"; if "$@" 2>&1; then echo "(expected a failure)"; exit 1; else echo "(exit $?, as intended)"; fi; }
section() { printf '\n\n=== %s ===\n' "$1"; }
# put: show `printf TEXT > FILE` and do it.
put() { printf '\n$ printf %s > %s\n' "$(q "$2")" "$(q "$1")"; printf "$2" > "$1"; }
# pipe: show `printf TEXT | idse ARGS…` and run it.
pipe() { local text="$1"; shift; printf '\n$ printf %s |' "$(q "$text")"; for w in "$@"; do printf ' %s' "$(q "$w")"; done; printf '\n'; printf "$text" | "$@"; }

printf 'To try these commands yourself: export PATH=%s:"$PATH"\n' "$(q "$bin")"

section "Workspace and sessions"
run idse --version
echo '{ "name": "customer-portal", "private": true }' > package.json
run idse init customer-portal --owner demo        # the stack is detected from package.json
run idse project list
run idse spawn billing --plan feature --description "Stripe billing"
run idse session create auth --description "Sign-in and sessions"
pipe '# Intent: auth\n\nLet customers sign in with email links.\n' idse artifact write --stage intent
run idse session set-stage auth --stage intent --status completed
run idse session add-collaborator auth --name ana --role reviewer
run idse status
run idse sessions
run idse session-info auth --lineage

section "What to do next"
run idse next
run idse route --next
fails idse route next                              # a slip: idse says what was meant

section "Validation (text and SARIF for code scanning)"
show idse validate --session auth '|' tail -4     # exits 1: the templates are not filled in yet
idse validate --session auth | tail -4 || true
fails idse validate --all --format sarif --output idse.sarif
run grep -c '"ruleId"' idse.sarif
show idse session set-status auth --status complete '2>&1' '|' head -3   # the completion gate refuses
{ idse session set-status auth --status complete 2>&1 || true; } | head -3

section "Agents, their modes, and the Claude Code hook"
run idse agents list
run idse agents add cursor --mode implementation --stages tasks --ide cursor
run idse agents install-hooks
hook='{"session_id":"demo","cwd":"'"$PWD"'","hook_event_name":"PreToolUse","tool_name":"Write","tool_input":{"file_path":"'"$PWD"'/src/app.ts","content":""}}'
pipe "$hook\n" idse hook claude-pre-tool-use       # planning mode: writing code is denied

section "Plugins"
fails idse plugin add notion --yes                  # a near miss: suggested, no network
run idse plugin add sqlite-store --yes
run idse plugin list --available

section "Compile a spec's Agent Profile"
spec='# Spec: auth\n\n## Agent Profile\n\n```yaml\nid: auth-agent\nname: Authentication Agent\ndescription: Implements sign-in.\ngoals: [Passwordless sign-in by e-mail link]\ntools: [git]\nruntime_hints:\n  mode: implementation\n```\n'
pipe "$spec" idse artifact write --stage spec --session auth
run idse compile agent-spec --session auth --format json

section "Sync with a remote, and a conflict resolved"
run idse remote add backup ../backup
run idse sync push --all-sessions -q
doc=projects/customer-portal/sessions/auth/intents/intent.md
put "../backup/$doc" '# Intent: auth\n\nSign in with email links or passkeys.\n'   # a teammate's edit
run idse sync pull --session auth
put "../backup/$doc" '# Intent: auth\n\nPasskeys first.\n'                          # both sides edit
put ".idse/$doc" '# Intent: auth\n\nEmail links, then passkeys.\n'
fails idse sync pull --session auth                # a conflict: nothing is overwritten
run cat ".idse/${doc%.md}.remote.md"               # the remote text, written beside ours
put ".idse/$doc" '# Intent: auth\n\nEmail links and passkeys.\n'                   # merged by hand
run rm ".idse/${doc%.md}.remote.md"                # resolved: the copy goes
run idse sync push --session auth
run idse sync status --session auth

section "Pictures"
run idse graph
run idse graph --session auth --format dot
run idse report
run idse next --all-projects --limit 3

section "Shell completion"
show idse completion bash '|' head -3
idse completion bash | head -3
run idse completion --complete -- session s

printf '\nDemo workspace: %s%s\n' "$demo" "$([ -n "${IDSE_DEMO_DIR:-}" ] && echo "" || echo " (removed on exit; set IDSE_DEMO_DIR to keep it)")"
