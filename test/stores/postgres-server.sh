# A throw-away PostgreSQL server on loopback for the postgres-store tests. Sourced by .ci/run; a developer
# can use it too:   source test/stores/postgres-server.sh && pg_test_start   (pg_test_stop to end it)
#
# pg_test_start installs PostgreSQL from Debian's packages when initdb/pg_ctl are missing, creates a cluster
# in a temporary directory (password authentication, a self-signed TLS certificate), starts it on
# 127.0.0.1 at a free port, and exports:
#   IDSE_TEST_POSTGRES_URL   postgres://idse:<random password>@127.0.0.1:<port>/postgres
#   IDSE_TEST_POSTGRES_TLS   1 when the server accepts TLS
# It returns non-zero (with the reason on stderr) when the server cannot be had; the tests then fail in
# CI and skip, saying why, elsewhere.

pg_test_log() { echo "postgres-server: $*" >&2; }

pg_test_bindir() {
  local d
  d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  if [ -n "$d" ] && [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then
    echo "$d"
    return 0
  fi
  if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
    dirname "$(command -v initdb)"
    return 0
  fi
  return 1
}

pg_test_install() {
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo="sudo -n"; else
      pg_test_log "PostgreSQL is not installed and this user cannot run apt-get"
      return 1
    fi
  fi
  pg_test_log "installing PostgreSQL from Debian's packages"
  # No default cluster: the tests make their own, and a stray server on 5432 would only cost memory.
  if [ ! -e /etc/postgresql-common/createcluster.conf ]; then
    $sudo mkdir -p /etc/postgresql-common
    echo "create_main_cluster = false" | $sudo tee /etc/postgresql-common/createcluster.conf >/dev/null
  fi
  $sudo apt-get update -qq >&2 || return 1
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends postgresql openssl >&2
}

pg_test_start() {
  local bin dir port pw run=()
  bin=$(pg_test_bindir) || { pg_test_install && bin=$(pg_test_bindir); } || {
    pg_test_log "initdb and pg_ctl not found after installing"
    return 1
  }
  dir=$(mktemp -d "${TMPDIR:-/tmp}/idse-pg.XXXXXX") || return 1
  PG_TEST_DIR=$dir
  # initdb refuses to run as root: run the server as the `postgres` user the Debian package creates.
  if [ "$(id -u)" -eq 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --home-dir "$dir" --shell /usr/sbin/nologin postgres
    chown postgres "$dir"
    chmod 700 "$dir"
    run=(runuser -u postgres --)
  fi
  PG_TEST_RUN=("${run[@]}")
  PG_TEST_BIN=$bin
  pw=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
  "${run[@]}" sh -c "umask 077; printf '%s\n' '$pw' > '$dir/pw'"
  "${run[@]}" "$bin/initdb" -D "$dir/data" -U idse --auth=scram-sha-256 --pwfile="$dir/pw" \
    -E UTF8 --no-locale --no-sync >"$dir/initdb.log" 2>&1 || {
    pg_test_log "initdb failed:"
    cat "$dir/initdb.log" >&2
    return 1
  }
  "${run[@]}" rm -f "$dir/pw"
  local tls=()
  if command -v openssl >/dev/null 2>&1; then
    "${run[@]}" openssl req -new -x509 -days 2 -nodes -subj /CN=localhost \
      -keyout "$dir/data/server.key" -out "$dir/data/server.crt" >/dev/null 2>&1 &&
      "${run[@]}" chmod 600 "$dir/data/server.key" && tls=(-c ssl=on)
  fi
  port=$(node -e 'const s=require("node:net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
  "${run[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories=$dir -c max_connections=200 ${tls[*]}" \
    start >/dev/null || {
    pg_test_log "the server did not start:"
    cat "$dir/server.log" >&2
    return 1
  }
  export IDSE_TEST_POSTGRES_URL="postgres://idse:$pw@127.0.0.1:$port/postgres"
  if [ ${#tls[@]} -gt 0 ]; then export IDSE_TEST_POSTGRES_TLS=1; else unset IDSE_TEST_POSTGRES_TLS; fi
  pg_test_log "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port (data in $dir)"
}

pg_test_stop() {
  [ -n "${PG_TEST_DIR:-}" ] || return 0
  if [ -d "$PG_TEST_DIR/data" ]; then
    "${PG_TEST_RUN[@]}" "$PG_TEST_BIN/pg_ctl" -D "$PG_TEST_DIR/data" -m fast -w stop >/dev/null 2>&1
  fi
  rm -rf "$PG_TEST_DIR"
  PG_TEST_DIR=""
  unset IDSE_TEST_POSTGRES_URL IDSE_TEST_POSTGRES_TLS
}
