# shellcheck shell=bash
# Hookline: make sure a local PostgreSQL is up with the role and database Hookline needs.
# Sourced by bin/hookline and bin/test. Safe under `set -euo pipefail`.
#
#   ensure_postgres [URL]        server up (installing/starting it if needed), role + database of URL
#   ensure_database NAME [URL]   an extra database NAME owned by the URL's role
#   reset_database NAME [URL]    drop NAME (WITH (FORCE)) and create it again
#   hookline_db_name URL         print the (decoded) database name of URL
#
# URL defaults to $HOOKLINE_DB_URL, else postgresql://hookline:hookline@127.0.0.1:5432/hookline.
# Nothing is done for a URL whose host is not 127.0.0.1, localhost or ::1 (the user manages that
# server). HOOKLINE_PG_TIMEOUT (seconds, default 30) bounds the wait for the server.

HOOKLINE_DEFAULT_DB_URL='postgresql://hookline:hookline@127.0.0.1:5432/hookline'

case ":$PATH:" in *:/usr/sbin:*) ;; *) PATH="$PATH:/usr/sbin:/sbin" ;; esac

_hl_log() { printf 'hookline: %s\n' "$*" >&2; }
_hl_die() { printf 'hookline: error: %s\n' "$*" >&2; return 1; }

_hl_urldecode() {
  local s=${1//\\/\\\\}
  printf '%b' "${s//%/\\x}"
}

# Sets _HL_USER _HL_PASS _HL_HOST _HL_PORT _HL_DB from a postgresql:// URI.
_hl_parse_url() {
  local url=$1 rest authority path userinfo hostport
  case $url in
    postgresql://* | postgres://*) ;;
    *)
      _hl_die "database URL must look like postgresql://user:pass@host:port/db (got '${url%%://*}://...')" || return 1
      ;;
  esac
  rest=${url#*://}
  rest=${rest%%\?*}
  rest=${rest%%#*}
  authority=${rest%%/*}
  path=''
  if [[ $rest == */* ]]; then path=${rest#*/}; fi
  userinfo=''
  hostport=$authority
  if [[ $authority == *@* ]]; then
    userinfo=${authority%@*}
    hostport=${authority##*@}
  fi
  _HL_USER=${userinfo%%:*}
  _HL_PASS=''
  if [[ $userinfo == *:* ]]; then _HL_PASS=${userinfo#*:}; fi
  if [[ $hostport == \[* ]]; then
    _HL_HOST=${hostport#\[}
    _HL_HOST=${_HL_HOST%%]*}
    _HL_PORT=${hostport#*]}
    _HL_PORT=${_HL_PORT#:}
  else
    _HL_HOST=${hostport%%:*}
    _HL_PORT=''
    if [[ $hostport == *:* ]]; then _HL_PORT=${hostport#*:}; fi
  fi
  _HL_PORT=${_HL_PORT:-5432}
  if ! [[ $_HL_PORT =~ ^[0-9]+$ ]]; then
    _hl_die "bad port '$_HL_PORT' in database URL" || return 1
  fi
  _HL_USER=$(_hl_urldecode "$_HL_USER")
  _HL_PASS=$(_hl_urldecode "$_HL_PASS")
  _HL_DB=$(_hl_urldecode "$path")
  if [[ -z $_HL_USER ]]; then
    _hl_die "database URL names no user (postgresql://USER:PASS@host:port/db)" || return 1
  fi
  _HL_DB=${_HL_DB:-$_HL_USER}
}

_hl_url() { printf '%s' "${1:-${HOOKLINE_DB_URL:-$HOOKLINE_DEFAULT_DB_URL}}"; }

_hl_is_local() {
  case $_HL_HOST in
    '' | 127.0.0.1 | localhost | ::1) return 0 ;;
    *) return 1 ;;
  esac
}

hookline_db_name() {
  _hl_parse_url "$(_hl_url "${1:-}")" || return 1
  printf '%s\n' "$_HL_DB"
}

# Runs a command as root: directly, or through sudo.
_hl_as_root() {
  if [[ $EUID -eq 0 ]]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    _hl_die "need root (or sudo) to run: $*" || return 1
  fi
}

_hl_ready() {
  pg_isready -q -h 127.0.0.1 -p "$_HL_PORT" >/dev/null 2>&1
}

# Newest installed server version (e.g. 15), empty when none.
_hl_server_version() {
  local f v best=''
  for f in /usr/lib/postgresql/*/bin/postgres; do
    [[ -x $f ]] || continue
    v=${f#/usr/lib/postgresql/}
    v=${v%%/*}
    if [[ -z $best ]] || [[ $(printf '%s\n%s\n' "$best" "$v" | sort -V | tail -n 1) == "$v" ]]; then
      best=$v
    fi
  done
  printf '%s' "$best"
}

_hl_install_server() {
  if command -v pg_lsclusters >/dev/null 2>&1 && [[ -n $(_hl_server_version) ]]; then
    return 0
  fi
  command -v apt-get >/dev/null 2>&1 ||
    _hl_die "PostgreSQL is not installed and apt-get is not available; install PostgreSQL," \
      "or point HOOKLINE_DB_URL at a running server" || return 1
  _hl_log "PostgreSQL is not installed; installing it with apt-get (this takes a minute)"
  _hl_as_root apt-get update -q >&2 ||
    _hl_die "apt-get update failed" || return 1
  _hl_as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql >&2 ||
    _hl_die "apt-get install postgresql failed" || return 1
  hash -r
  if ! command -v pg_lsclusters >/dev/null 2>&1 || [[ -z $(_hl_server_version) ]]; then
    _hl_die "postgresql was installed but no server binaries were found under /usr/lib/postgresql" || return 1
  fi
}

# Makes sure a server answers on 127.0.0.1:$_HL_PORT (installing, creating and starting a cluster).
_hl_ensure_server() {
  local clusters shown v n p s ver='' name='' status='' logfile='' timeout deadline
  _hl_ready && return 0
  _hl_install_server || return 1
  # A systemd-managed fresh install may already be up.
  _hl_ready && return 0

  clusters=$(pg_lsclusters -h 2>/dev/null) || clusters=''
  while read -r v n p s _ _ logfile; do
    [[ -n ${v:-} ]] || continue
    if [[ $p == "$_HL_PORT" ]]; then
      ver=$v name=$n status=$s
      break
    fi
    logfile=''
  done <<<"$clusters"

  if [[ -z $ver ]]; then
    if [[ -n ${clusters//[[:space:]]/} ]]; then
      shown=$(printf '%s' "$clusters" | awk '{printf "%s%s/%s on %s", sep, $1, $2, $3; sep=", "}')
      _hl_die "no PostgreSQL cluster uses port $_HL_PORT (pg_lsclusters shows: $shown);" \
        "put that port in HOOKLINE_DB_URL" || return 1
    fi
    ver=$(_hl_server_version)
    name=main
    _hl_log "creating PostgreSQL $ver cluster '$name' on port $_HL_PORT"
    _hl_as_root pg_createcluster -p "$_HL_PORT" "$ver" "$name" >&2 ||
      _hl_die "pg_createcluster $ver $name failed" || return 1
    status=down
    logfile=/var/log/postgresql/postgresql-$ver-$name.log
  fi

  if [[ $status != online* ]]; then
    _hl_log "starting PostgreSQL cluster $ver/$name on port $_HL_PORT"
    _hl_as_root pg_ctlcluster --skip-systemctl-redirect "$ver" "$name" start >&2 ||
      _hl_die "could not start PostgreSQL cluster $ver/$name${logfile:+ (see $logfile)}" || return 1
  fi

  timeout=${HOOKLINE_PG_TIMEOUT:-30}
  deadline=$((SECONDS + timeout))
  until _hl_ready; do
    if ((SECONDS >= deadline)); then
      _hl_die "PostgreSQL $ver/$name did not accept connections on 127.0.0.1:$_HL_PORT" \
        "within ${timeout}s${logfile:+ (see $logfile)}" || return 1
    fi
    sleep 0.5
  done
}

# psql as the postgres superuser; SQL on stdin. Usage: _hl_super_psql DB [psql args...]
_hl_super_psql() {
  local db=$1
  shift
  (
    unset PGHOST PGHOSTADDR PGPORT PGUSER PGDATABASE PGSERVICE PGOPTIONS
    cd / || exit 1
    case $_HL_SU_MODE in
      runuser) runuser -u postgres -- psql -X -q -w -v ON_ERROR_STOP=1 -p "$_HL_PORT" -d "$db" "$@" ;;
      sudo) sudo -u postgres -- psql -X -q -w -v ON_ERROR_STOP=1 -p "$_HL_PORT" -d "$db" "$@" ;;
      self) psql -X -q -w -v ON_ERROR_STOP=1 -p "$_HL_PORT" -d "$db" "$@" ;;
      tcp) psql -X -q -w -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$_HL_PORT" -U postgres -d "$db" "$@" ;;
      *) exit 1 ;;
    esac
  )
}

# Finds a way to reach the server as superuser: local socket as the postgres OS user, else TCP.
_hl_pick_su_mode() {
  local mode modes=()
  if [[ ${_HL_SU_MODE_PORT:-} == "$_HL_PORT" && -n ${_HL_SU_MODE:-} ]]; then return 0; fi
  if [[ $EUID -eq 0 ]]; then
    modes+=(runuser)
  elif [[ $(id -un) == postgres ]]; then
    modes+=(self)
  elif command -v sudo >/dev/null 2>&1; then
    modes+=(sudo)
  fi
  modes+=(tcp)
  for mode in "${modes[@]}"; do
    _HL_SU_MODE=$mode
    if echo 'SELECT 1' | _hl_super_psql postgres -At >/dev/null 2>&1; then
      _HL_SU_MODE_PORT=$_HL_PORT
      return 0
    fi
  done
  _HL_SU_MODE=''
  _hl_die "cannot connect to PostgreSQL on port $_HL_PORT as superuser 'postgres' (tried: ${modes[*]})" || return 1
}

# True when the URL's role can log in to its database and create tables there.
_hl_app_ok() {
  local out
  out=$(
    unset PGHOST PGHOSTADDR PGPORT PGUSER PGDATABASE PGSERVICE PGOPTIONS
    PGCONNECT_TIMEOUT=5 psql -X -q -w -At -d "$1" \
      -c "SELECT has_database_privilege(current_database(), 'CREATE')
             AND has_schema_privilege('public', 'CREATE')" 2>/dev/null
  ) || return 1
  [[ $out == t ]]
}

_hl_ensure_role() {
  _hl_super_psql postgres -v "role=$_HL_USER" -v "pw=$_HL_PASS" <<'SQL' ||
SET client_min_messages TO warning;
SELECT format('CREATE ROLE %I LOGIN', :'role')
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'role') \gexec
SELECT format('ALTER ROLE %I WITH LOGIN%s', :'role',
              CASE WHEN :'pw' <> '' THEN format(' PASSWORD %L', :'pw') ELSE '' END) \gexec
SQL
    _hl_die "could not create or update role '$_HL_USER'" || return 1
}

# Usage: _hl_ensure_db NAME   (role $_HL_USER must exist)
_hl_ensure_db() {
  local db=$1
  _hl_super_psql postgres -v "role=$_HL_USER" -v "db=$db" <<'SQL' ||
SET client_min_messages TO warning;
SELECT format('CREATE DATABASE %I OWNER %I%s', :'db', :'role',
              CASE WHEN (SELECT encoding FROM pg_database WHERE datname = 'template1') = pg_char_to_encoding('UTF8')
                   THEN ''
                   ELSE ' TEMPLATE template0 ENCODING ''UTF8'' LC_COLLATE ''C'' LC_CTYPE ''C''' END)
 WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'db') \gexec
SELECT format('GRANT ALL ON DATABASE %I TO %I', :'db', :'role') \gexec
SQL
    _hl_die "could not create database '$db'" || return 1
  _hl_super_psql "$db" -v "role=$_HL_USER" <<'SQL' ||
SET client_min_messages TO warning;
CREATE SCHEMA IF NOT EXISTS public;
SELECT format('ALTER SCHEMA public OWNER TO %I', :'role') \gexec
SQL
    _hl_die "could not give role '$_HL_USER' the public schema of '$db'" || return 1
}

ensure_postgres() {
  local url err
  url=$(_hl_url "${1:-}")
  _hl_parse_url "$url" || return 1
  _hl_is_local || return 0
  _hl_ensure_server || return 1
  _hl_app_ok "$url" && return 0
  _hl_log "setting up PostgreSQL role '$_HL_USER' and database '$_HL_DB'"
  _hl_pick_su_mode || return 1
  _hl_ensure_role || return 1
  _hl_ensure_db "$_HL_DB" || return 1
  if ! _hl_app_ok "$url"; then
    err=$(PGCONNECT_TIMEOUT=5 psql -X -q -w -At -d "$url" -c 'SELECT 1' 2>&1 >/dev/null) || true
    _hl_die "role '$_HL_USER' still cannot use database '$_HL_DB' on 127.0.0.1:$_HL_PORT${err:+: $err}" || return 1
  fi
}

ensure_database() {
  local name=${1:?usage: ensure_database NAME [URL]}
  _hl_parse_url "$(_hl_url "${2:-}")" || return 1
  if ! _hl_is_local; then
    _hl_log "database server $_HL_HOST is not local; not creating '$name'"
    return 0
  fi
  _hl_ensure_server || return 1
  _hl_pick_su_mode || return 1
  _hl_ensure_role || return 1
  _hl_ensure_db "$name" || return 1
}

reset_database() {
  local name=${1:?usage: reset_database NAME [URL]} port
  _hl_parse_url "$(_hl_url "${2:-}")" || return 1
  if ! _hl_is_local; then
    _hl_log "database server $_HL_HOST is not local; not resetting '$name'"
    return 0
  fi
  port=$_HL_PORT
  # Never wipe the application's own database.
  if _hl_parse_url "${HOOKLINE_DB_URL:-$HOOKLINE_DEFAULT_DB_URL}" 2>/dev/null && _hl_is_local &&
    [[ $_HL_DB == "$name" && $_HL_PORT == "$port" ]]; then
    _hl_die "refusing to reset '$name': it is the database of HOOKLINE_DB_URL" || return 1
  fi
  _hl_parse_url "$(_hl_url "${2:-}")" || return 1
  _hl_ensure_server || return 1
  _hl_pick_su_mode || return 1
  _hl_super_psql postgres -v "db=$name" <<'SQL' ||
SET client_min_messages TO warning;
DROP DATABASE IF EXISTS :"db" WITH (FORCE);
SQL
    _hl_die "could not drop database '$name'" || return 1
  _hl_ensure_role || return 1
  _hl_ensure_db "$name" || return 1
}
