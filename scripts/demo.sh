#!/usr/bin/env bash
# The main job on a demo workspace: run by `npm run demo` after the build. It creates a throwaway
# repository, walks one feature through idse, and prints what a user would see.
set -euo pipefail
idse="$(cd "$(dirname "$0")/.." && pwd)/dist/idse"
demo="$(mktemp -d "${TMPDIR:-/tmp}/idse-demo-XXXXXX")"
trap 'rm -rf "$demo"' EXIT
mkdir "$demo/repo"
cd "$demo/repo"
export HOME="$demo"
run() { printf '\n$ idse %s\n' "$*"; "$idse" "$@"; }

run --version
run init customer-portal --stack typescript --owner demo
run spawn --plan feature billing --description "Stripe billing"
run session create auth --description "Sign-in and sessions"
printf '# Intent: auth\n\nLet customers sign in with email links.\n' | "$idse" artifact write --stage intent
run session set-stage auth --stage intent --status completed
run session add-collaborator auth --name ana --role reviewer
run status
run sessions
run status --all
run session-info auth --lineage
printf '\n$ idse sessions --json | head -12\n'
"$idse" sessions --json | head -12
run doctor
printf '\n$ idse session set-status auth --status complete   # the completion gate refuses\n'
"$idse" session set-status auth --status complete 2>&1 | head -4 || true

# Sync with a remote (a folder here; Artifact Core, MCP, sqlite, postgres and Notion work the same way).
run remote add backup ../backup
run sync push --all-sessions -q
spec=projects/customer-portal/sessions/auth/intents/intent.md
printf '# Intent: auth\n\nSign in with email links or passkeys.\n' > "../backup/$spec"     # a teammate's edit
run sync pull --session auth
printf '# Intent: auth\n\nremote edit\n' > "../backup/$spec"
printf '# Intent: auth\n\nlocal edit\n' > ".idse/$spec"
printf '\n$ idse sync pull --session auth   # both sides edited: a conflict, nothing overwritten\n'
"$idse" sync pull --session auth 2>&1 | tail -3 || true
rm ".idse/${spec%.md}.remote.md"                                 # resolved: keep ours, push it
run sync push --session auth
printf '\nDemo workspace was %s (removed on exit).\n' "$demo"
