import type { OfflineImage } from '../preset.js';

/**
 * The offline stand-in for mysql:8.4: Oracle's MySQL server from Debian unstable (the only Debian
 * suite that carries it; 9.x, a newer release of the same server), started like the official image:
 * data directory initialised on first start in the declared VOLUME, the MYSQL_* variables and
 * /docker-entrypoint-initdb.d run by the command-line client against a socket-only temporary server.
 * The entrypoint is sandpit's own, written to the official one's contract (docker-library/mysql).
 */
export const mysqlOffline: OfflineImage = {
  suite: 'sid',
  server: { name: 'MySQL', package: 'mysql-server-core' },
  dockerfile: `FROM {{base}}
# The official image's user, and its folders writable by any user a container runs as.
RUN groupadd --system --gid 999 mysql && useradd --system --uid 999 --gid 999 --home-dir /var/lib/mysql --no-create-home mysql \\
 && apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \\
      mysql-server-core mysql-client tzdata bzip2 xz-utils zstd \\
 && apt-get clean && rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin \\
 && mkdir -p /var/lib/mysql /var/run/mysqld /var/lib/mysql-files /docker-entrypoint-initdb.d \\
 && chown mysql:mysql /var/lib/mysql /var/run/mysqld /var/lib/mysql-files \\
 && chmod 1777 /var/lib/mysql /var/run/mysqld
VOLUME /var/lib/mysql
# The official image's server settings: no reverse DNS lookup of each client (a stall wherever DNS is
# slow; accounts match by address, as there), no host cache.
COPY docker.cnf /etc/mysql/conf.d/
COPY docker-entrypoint.sh /usr/local/bin/
ENTRYPOINT ["docker-entrypoint.sh"]
EXPOSE 3306 33060
CMD ["mysqld"]
`,
  files: {
    'docker.cnf': '[mysqld]\nhost-cache-size=0\nskip-name-resolve\n',
    'docker-entrypoint.sh': `#!/bin/bash
# sandpit's offline stand-in for the official mysql image's entrypoint: the same contract, written for
# Debian's mysql-server-core. On a first start (no database in the data directory the server itself
# reports) it initialises that directory, starts a temporary server with networking off, applies
# MYSQL_*, runs /docker-entrypoint-initdb.d/* in name order, stops it and execs the real server: a
# TCP connection succeeds only once all of that is done. A data directory holding a database skips it.
set -eo pipefail
shopt -s nullglob

log() { local level=$1; shift; printf '%s [%s] [Entrypoint]: %s\\n' "$(date --rfc-3339=seconds)" "$level" "$*"; }
note() { log Note "$@"; }
warn() { log Warn "$@" >&2; }
die() { log ERROR "$@" >&2; exit 1; }

# Bare flags mean the server; a request for help or the version, or another command, runs as given.
if [ "\${1:0:1}" = - ]; then set -- mysqld "$@"; fi
stops_server() { local arg; for arg; do case $arg in -'?' | --help | --print-defaults | -V | --version) return 0 ;; esac; done; return 1; }
if [ "$1" != mysqld ] || stops_server "$@"; then exec "$@"; fi

# The server's own view of its settings (config files, these arguments, built-in defaults): asked
# once, so that \`mysqld --datadir=/elsewhere\` initialises and uses /elsewhere.
settings=$("$@" --verbose --help --log-bin-index="$(mktemp -u)" 2> /tmp/sandpit-config-errors) ||
  die "mysqld rejected its configuration: $* --verbose --help said: $(cat /tmp/sandpit-config-errors)"
rm -f /tmp/sandpit-config-errors
setting() { awk -v name="$1" '$1 == name && /^[^ \\t]/ { sub(/^[^ \\t]+[ \\t]+/, ""); print; exit }' <<< "$settings"; }
DATADIR=$(setting datadir)
SOCKET=$(setting socket)

# Each MYSQL_X may come from the file named by MYSQL_X_FILE (Docker secrets).
from_file() {
  local name=$1 file="\${1}_FILE" default=$2
  if [ -n "\${!name}" ] && [ -n "\${!file}" ]; then die "Both $name and $file are set, but they are exclusive"; fi
  local value=$default
  if [ -n "\${!name}" ]; then value=\${!name}; elif [ -n "\${!file}" ]; then value=$(< "\${!file}"); fi
  export "$name=$value"
  unset "$file"
}
for name in MYSQL_DATABASE MYSQL_USER MYSQL_PASSWORD MYSQL_ROOT_PASSWORD; do from_file "$name"; done
from_file MYSQL_ROOT_HOST %

if [ "$(id -u)" = 0 ]; then
  # Every folder the server writes to, owned by mysql, without touching files that already are.
  dirs=("$DATADIR" "$(dirname "$SOCKET")")
  for name in general-log-file pid-file slow-query-log-file; do
    value=$(setting "$name")
    if [ -n "$value" ] && [ "$value" != NULL ] && [ "\${value:0:1}" != '(' ]; then dirs+=("$(dirname "$value")"); fi
  done
  value=$(setting secure-file-priv)
  if [ -n "$value" ] && [ "$value" != NULL ]; then dirs+=("$value"); fi
  mkdir -p "\${dirs[@]}"
  find "\${dirs[@]}" \\! -user mysql -exec chown --no-dereference mysql:mysql '{}' +
  note "Switching to dedicated user 'mysql'"
  exec setpriv --reuid=mysql --regid=mysql --init-groups "$BASH_SOURCE" "$@"
fi

# SQL text as a quoted literal, whatever it holds.
literal() { local text=\${1//\\\\/\\\\\\\\}; text=\${text//\\'/\\\\\\'}; printf "'%s'" "$text"; }
identifier() { printf '\`%s\`' "\${1//\\\`/\\\`\\\`}"; }

# Runs SQL from stdin as root over the socket, with the command-line client's semantics (DELIMITER,
# comments kept for versioned comments and optimizer hints). Scripts in initdb.d may call it too.
docker_process_sql() {
  local password=$MYSQL_ROOT_PASSWORD
  if [ "$1" = --dont-use-mysql-root-password ]; then password=; shift; fi
  if [ -n "$MYSQL_DATABASE" ]; then set -- --database="$MYSQL_DATABASE" "$@"; fi
  mysql --defaults-extra-file=<(client_options "$password") --protocol=socket -hlocalhost --socket="$SOCKET" --comments "$@"
}
client_options() {
  echo '[client]'
  echo 'user=root'
  if [ -n "$1" ]; then local value=\${1//\\\\/\\\\\\\\}; echo "password=\\"\${value//\\"/\\\\\\"}\\""; fi
}
mysql=(docker_process_sql) # the name sourced scripts of the official image use

run_init_file() {
  local f=$1
  case $f in
    *.sh)
      if [ -x "$f" ]; then note "$0: running $f"; "$f"; else note "$0: sourcing $f"; . "$f"; fi ;;
    *.sql) note "$0: running $f"; docker_process_sql < "$f" ;;
    *.sql.bz2) note "$0: running $f"; bunzip2 -c "$f" | docker_process_sql ;;
    *.sql.gz) note "$0: running $f"; gunzip -c "$f" | docker_process_sql ;;
    *.sql.xz) note "$0: running $f"; xzcat "$f" | docker_process_sql ;;
    *.sql.zst) note "$0: running $f"; zstd -dc "$f" | docker_process_sql ;;
    *) warn "$0: ignoring $f" ;;
  esac
}

temp_server_start() {
  note 'Starting temporary server'
  # --daemonize returns once the server accepts connections on the socket.
  "$@" --daemonize --skip-networking --default-time-zone=SYSTEM --socket="$SOCKET" || die 'Unable to start server.'
  note 'Temporary server started.'
}
temp_server_stop() {
  note 'Stopping temporary server'
  # Over the socket, mysqladmin returns once the shutdown is complete.
  mysqladmin --defaults-extra-file=<(client_options "$MYSQL_ROOT_PASSWORD") --socket="$SOCKET" shutdown || die 'Unable to shut down server.'
  note 'Temporary server stopped'
}

setup_db() {
  if [ -z "$MYSQL_INITDB_SKIP_TZINFO" ] && [ -d /usr/share/zoneinfo ]; then
    mysql_tzinfo_to_sql /usr/share/zoneinfo 2> /dev/null | docker_process_sql --dont-use-mysql-root-password --database=mysql
  fi
  if [ -n "$MYSQL_RANDOM_ROOT_PASSWORD" ]; then
    MYSQL_ROOT_PASSWORD=$(head -c 18 /dev/urandom | base64)
    export MYSQL_ROOT_PASSWORD
    note "GENERATED ROOT PASSWORD: $MYSQL_ROOT_PASSWORD"
  fi
  local root remote=
  root=$(literal "$MYSQL_ROOT_PASSWORD")
  if [ -n "$MYSQL_ROOT_HOST" ] && [ "$MYSQL_ROOT_HOST" != localhost ]; then
    remote="CREATE USER 'root'@$(literal "$MYSQL_ROOT_HOST") IDENTIFIED BY $root;
GRANT ALL ON *.* TO 'root'@$(literal "$MYSQL_ROOT_HOST") WITH GRANT OPTION;"
  fi
  docker_process_sql --dont-use-mysql-root-password --database=mysql <<- SQL
	SET autocommit = 1;
	SET @@SESSION.SQL_LOG_BIN = 0;
	ALTER USER 'root'@'localhost' IDENTIFIED BY $root;
	GRANT ALL ON *.* TO 'root'@'localhost' WITH GRANT OPTION;
	FLUSH PRIVILEGES;
	$remote
	DROP DATABASE IF EXISTS test;
	SQL
  if [ -n "$MYSQL_DATABASE" ]; then
    note "Creating database $MYSQL_DATABASE"
    docker_process_sql --database=mysql <<< "CREATE DATABASE IF NOT EXISTS $(identifier "$MYSQL_DATABASE");"
  fi
  if [ -n "$MYSQL_USER" ] && [ -n "$MYSQL_PASSWORD" ]; then
    note "Creating user $MYSQL_USER"
    docker_process_sql --database=mysql <<< "CREATE USER $(literal "$MYSQL_USER")@'%' IDENTIFIED BY $(literal "$MYSQL_PASSWORD");"
    if [ -n "$MYSQL_DATABASE" ]; then
      note "Giving user $MYSQL_USER access to schema $MYSQL_DATABASE"
      # In GRANT a database name is a pattern: a literal _ must be escaped.
      docker_process_sql --database=mysql <<< "GRANT ALL ON $(identifier "\${MYSQL_DATABASE//_/\\\\_}").* TO $(literal "$MYSQL_USER")@'%';"
    fi
  fi
}

if [ -d "$DATADIR/mysql" ]; then
  note "Database found in $DATADIR: skipping initialisation and /docker-entrypoint-initdb.d"
else
  if [ -z "$MYSQL_ROOT_PASSWORD" ] && [ -z "$MYSQL_ALLOW_EMPTY_PASSWORD" ] && [ -z "$MYSQL_RANDOM_ROOT_PASSWORD" ]; then
    die 'Database is uninitialized and password option is not specified
    You need to specify one of the following as an environment variable:
    - MYSQL_ROOT_PASSWORD
    - MYSQL_ALLOW_EMPTY_PASSWORD
    - MYSQL_RANDOM_ROOT_PASSWORD'
  fi
  if [ "$MYSQL_USER" = root ]; then
    die 'MYSQL_USER="root", MYSQL_USER and MYSQL_PASSWORD are for configuring a regular user and cannot be used for the root user
    Remove MYSQL_USER="root" and use one of the following to control the root user password:
    - MYSQL_ROOT_PASSWORD
    - MYSQL_ALLOW_EMPTY_PASSWORD
    - MYSQL_RANDOM_ROOT_PASSWORD'
  fi
  if [ -n "$MYSQL_USER" ] && [ -z "$MYSQL_PASSWORD" ]; then
    warn 'MYSQL_USER specified, but missing MYSQL_PASSWORD; MYSQL_USER will not be created'
  elif [ -z "$MYSQL_USER" ] && [ -n "$MYSQL_PASSWORD" ]; then
    warn 'MYSQL_PASSWORD specified, but missing MYSQL_USER; MYSQL_PASSWORD will be ignored'
  fi
  ls /docker-entrypoint-initdb.d/ > /dev/null # unreadable scripts fail now, not half-way

  note 'Initializing database files'
  "$@" --initialize-insecure --default-time-zone=SYSTEM
  note 'Database files initialized'
  temp_server_start "$@"
  setup_db
  for f in /docker-entrypoint-initdb.d/*; do run_init_file "$f"; done
  if [ -n "$MYSQL_ONETIME_PASSWORD" ]; then docker_process_sql --database=mysql <<< "ALTER USER 'root'@'%' PASSWORD EXPIRE;"; fi
  temp_server_stop
  note 'MySQL init process done. Ready for start up.'
fi
exec "$@"
`,
  },
};
