# Sourced by .ci/run: the tools from Debian's packages that tests run as independent checkers of idse's
# output (a test that needs one fails, never skips, when it is missing). Installed only when absent.
DEBIAN_TEST_PACKAGES=(python3-junitparser chromium fish zsh graphviz)

debian_tools_missing() {
  local p
  for p in "${DEBIAN_TEST_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || echo "$p"
  done
}

debian_tools_install() {
  local missing sudo=""
  missing=$(debian_tools_missing)
  [ -n "$missing" ] || return 0
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo="sudo -n"; else
      echo "test tools missing and this user cannot run apt-get: $missing" >&2
      return 1
    fi
  fi
  echo "installing test tools from Debian's packages: $missing" >&2
  $sudo apt-get update -qq >&2 || return 1
  # shellcheck disable=SC2086
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $missing >&2
}
