# Shared steps of scripts/run.sh and scripts/test.sh: install what is missing, then get out of the way.
# Sourced, not run. Each step is idempotent and fast when there is nothing to do.

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

is_root() { [ "$(id -u)" = 0 ]; }

APT_UPDATED=""
apt_install() {
  is_root || die "missing system packages ($*): run as root or install them with apt-get"
  command -v apt-get >/dev/null || die "missing system packages ($*) and no apt-get to install them"
  if [ -z "$APT_UPDATED" ]; then
    say "apt-get update"
    apt-get update -qq
    APT_UPDATED=1
  fi
  say "apt-get install $*"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

PYTHON="${PYTHON:-python3}"
VENV="${VENV:-.venv}"

ensure_python() {
  command -v "$PYTHON" >/dev/null || apt_install python3 python3-venv
  "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
    || die "Python 3.11 or newer is needed ($PYTHON is $("$PYTHON" -V 2>&1))"
}

# psycopg2 compiles against libpq: it needs pg_config (libpq-dev) and a C compiler.
ensure_build_deps() {
  local missing=()
  command -v pg_config >/dev/null || missing+=(libpq-dev)
  command -v gcc >/dev/null || missing+=(gcc)
  [ ${#missing[@]} -eq 0 ] || apt_install "${missing[@]}"
}

# Create the virtual environment and install a requirements file; skip when nothing changed.
ensure_venv() {
  local requirements="$1" stamp wanted
  ensure_python
  if [ ! -x "$VENV/bin/python" ]; then
    say "creating virtual environment in $VENV"
    "$PYTHON" -m venv "$VENV" 2>/dev/null || { apt_install python3-venv; "$PYTHON" -m venv "$VENV"; }
  fi
  stamp="$VENV/.installed-$(basename "$requirements")"
  wanted="$(cat requirements*.txt | sha256sum | cut -d' ' -f1)"
  if [ "$(cat "$stamp" 2>/dev/null)" != "$wanted" ]; then
    say "installing $requirements"
    "$VENV/bin/python" -m pip install -q --disable-pip-version-check -r "$requirements"
    echo "$wanted" >"$stamp"
  fi
}

py() { "$VENV/bin/python" "$@"; }

# Start (or install, then start) a local server when the URL points at this machine.
url_is_local() {
  case "$1" in
    *@127.0.0.1*|*@localhost*|*//127.0.0.1*|*//localhost*|*@\[::1\]*|*//\[::1\]*) return 0 ;;
    *) return 1 ;;
  esac
}

ensure_postgres() {
  if py scripts/services.py postgres --wait 2; then return 0; fi
  url_is_local "$DATABASE_URL" || die "PostgreSQL at DATABASE_URL is not reachable"
  local version
  if ! ls /etc/postgresql/*/main >/dev/null 2>&1; then
    apt_install postgresql
    version="$(ls /etc/postgresql | sort -V | tail -n 1)"
    # A cluster we just made for the tests: trust loopback, as the documented machine does.
    sed -i -E 's/^(host\s+all\s+all\s+(127\.0\.0\.1\/32|::1\/128)\s+)\S+/\1trust/' \
      "/etc/postgresql/$version/main/pg_hba.conf"
  fi
  version="$(ls /etc/postgresql | sort -V | tail -n 1)"
  say "starting PostgreSQL $version"
  pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  py scripts/services.py postgres --wait 30 \
    || die "PostgreSQL did not come up (DATABASE_URL=$DATABASE_URL)"
}

ensure_redis() {
  if py scripts/services.py redis --wait 2; then return 0; fi
  url_is_local "$REDIS_URL" || die "Redis at REDIS_URL is not reachable"
  command -v redis-server >/dev/null || apt_install redis-server
  say "starting Redis"
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no >/dev/null
  py scripts/services.py redis --wait 15 || die "Redis did not come up (REDIS_URL=$REDIS_URL)"
}

ensure_chromium() {
  local missing=()
  [ -x /usr/bin/chromium ] || missing+=(chromium)
  [ -x /usr/bin/chromedriver ] || missing+=(chromium-driver)
  [ ${#missing[@]} -eq 0 ] || apt_install "${missing[@]}"
}

# The operations tests (tests/deploy): Debian's nginx for `nginx -t`, openssl for the test
# certificate, systemd-analyze for the units, pg_dump/pg_restore for the backups. Installing
# nginx does not start it here.
ensure_ops_tools() {
  local missing=()
  command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing+=(nginx)
  command -v openssl >/dev/null || missing+=(openssl)
  command -v systemd-analyze >/dev/null || missing+=(systemd)
  command -v pg_restore >/dev/null || missing+=(postgresql-client)
  [ ${#missing[@]} -eq 0 ] || apt_install "${missing[@]}"
}
