import type { Preset } from '../preset.js';
import { quote } from './quote.js';
import { SandpitError, describe } from '../errors.js';
import { loadScripts, scriptEntries } from './files.js';
import { randomSecret } from './secret.js';
import { ATTEMPT_MS } from '../readiness/probes.js';
import { mysqlGreets } from '../readiness/mysql.js';

export interface MysqlOptions {
  /** Database created for the user. Default `test`. */
  database?: string;
  /** Application user, granted everything on `database`. Default `test`. */
  user?: string;
  /** The user's password. Default: random per start. */
  password?: string;
  /** root's password. Default: random per start. */
  rootPassword?: string;
  /** .sql file paths or SQL text, run in order as root on `database` before the service is ready. */
  initScripts?: string[];
}

export interface MysqlResolved {
  database: string;
  user: string;
  password: string;
  rootPassword: string;
  initScripts: string[];
}

const IDENTIFIER = /^[A-Za-z0-9_]{1,64}$/;

export const mysql: Preset<MysqlOptions, MysqlResolved> = {
  name: 'mysql',
  summary: 'MySQL-compatible database (MariaDB when offline)',
  image: 'mysql:8.4',
  // mysql:8.4's contract (MYSQL_* variables, initdb scripts, port 3306) from Debian's MariaDB, which speaks the MySQL protocol.
  offline: {
    dockerfile: `FROM {{base}}
COPY sandpit.cnf /etc/mysql/mariadb.conf.d/99-sandpit.cnf
# The data directory is initialised now, not per start: a start only applies credentials.
RUN apt-get update && apt-get install -y --no-install-recommends mariadb-server mariadb-client \\
 && apt-get clean && rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin \\
 && rm -rf /var/lib/mysql && mkdir -p /var/lib/mysql /run/mysqld /docker-entrypoint-initdb.d \\
 && mariadb-install-db --user=mysql --datadir=/var/lib/mysql --skip-test-db > /dev/null \\
 && chown -R mysql:mysql /var/lib/mysql /run/mysqld
COPY docker-entrypoint.sh /usr/local/bin/
ENTRYPOINT ["docker-entrypoint.sh"]
EXPOSE 3306
CMD ["mariadbd"]
`,
    files: {
      'docker-entrypoint.sh': `#!/bin/bash
# The official mysql image's contract (MYSQL_* variables, /docker-entrypoint-initdb.d/*.sql) on a data
# directory initialised at build time: credentials go in through --init-file, so a start boots the
# server once (twice only when there are init scripts, which the official image always does).
set -eo pipefail
if [ "\${1#-}" != "$1" ]; then set -- mariadbd "$@"; fi
if [ "$1" != mariadbd ] && [ "$1" != mysqld ]; then exec "$@"; fi
shift
datadir=/var/lib/mysql
server=(mariadbd --bind-address=0.0.0.0 --skip-name-resolve "$@")
if [ "$(id -u)" = 0 ]; then server+=(--user=mysql); fi
# An empty volume or tmpfs over the data directory is initialised now, as the official image does.
if [ ! -d "$datadir/mysql" ]; then mariadb-install-db --user=mysql --datadir="$datadir" --skip-test-db > /dev/null; fi
if [ "$(id -u)" = 0 ]; then find "$datadir" /run/mysqld \\! -user mysql -exec chown mysql:mysql '{}' +; fi
if [ -e "$datadir/.sandpit-initialised" ]; then exec "\${server[@]}"; fi

if [ -z "$MYSQL_ROOT_PASSWORD" ] && [ -z "$MYSQL_ALLOW_EMPTY_PASSWORD" ]; then
  echo >&2 'error: database is uninitialized and password option is not specified'
  echo >&2 '  You need to specify one of MYSQL_ROOT_PASSWORD or MYSQL_ALLOW_EMPTY_PASSWORD'
  exit 1
fi
if [ "$MYSQL_USER" = root ]; then
  echo >&2 'error: MYSQL_USER="root": MYSQL_USER and MYSQL_PASSWORD are for a regular user; set MYSQL_ROOT_PASSWORD for root'
  exit 1
fi

# Values reach SQL hex-encoded and are quoted by the server: no escaping to get wrong.
hex() { printf "X'%s'" "$(printf %s "$1" | od -An -v -tx1 | tr -d ' \\n')"; }
init=/run/mysqld/init.sql
{
  echo "SET @root = $(hex "$MYSQL_ROOT_PASSWORD"), @user = $(hex "$MYSQL_USER"), @password = $(hex "$MYSQL_PASSWORD"), @db = sys.quote_identifier($(hex "$MYSQL_DATABASE"));"
  echo "EXECUTE IMMEDIATE CONCAT('ALTER USER root@localhost IDENTIFIED BY ', QUOTE(@root));"
  echo "EXECUTE IMMEDIATE CONCAT('CREATE USER root@''%'' IDENTIFIED BY ', QUOTE(@root));"
  echo "GRANT ALL ON *.* TO root@'%' WITH GRANT OPTION;"
  echo "DROP USER IF EXISTS mysql@localhost;"
  if [ -n "$MYSQL_DATABASE" ]; then echo "EXECUTE IMMEDIATE CONCAT('CREATE DATABASE ', @db);"; fi
  if [ -n "$MYSQL_USER" ] && [ -n "$MYSQL_PASSWORD" ]; then
    echo "EXECUTE IMMEDIATE CONCAT('CREATE USER ', QUOTE(@user), '@''%'' IDENTIFIED BY ', QUOTE(@password));"
    if [ -n "$MYSQL_DATABASE" ]; then echo "EXECUTE IMMEDIATE CONCAT('GRANT ALL ON ', @db, '.* TO ', QUOTE(@user), '@''%''');"; fi
  elif [ -n "$MYSQL_USER" ]; then
    echo >&2 'warning: MYSQL_USER is set but MYSQL_PASSWORD is not; the user is not created'
  fi
} > "$init"
touch "$datadir/.sandpit-initialised"
scripts=(/docker-entrypoint-initdb.d/*.sql)
if [ ! -e "\${scripts[0]}" ]; then exec "\${server[@]}" --init-file="$init"; fi

# Scripts run through the client as root before the port opens: in an --init-file their views,
# triggers and routines would get an empty definer and fail when used.
socket=/run/mysqld/init.sock
"\${server[@]}" --init-file="$init" --skip-networking --socket="$socket" &
export MYSQL_PWD=$MYSQL_ROOT_PASSWORD
until mariadb-admin --socket="$socket" -uroot ping > /dev/null 2>&1; do
  kill -0 $! 2> /dev/null || { echo >&2 'error: the server stopped while applying credentials'; exit 1; }
  sleep 0.05
done
client=(mariadb --socket="$socket" -uroot)
if [ -n "$MYSQL_DATABASE" ]; then client+=(--database="$MYSQL_DATABASE"); fi
for f in "\${scripts[@]}"; do echo >&2 "running $f"; "\${client[@]}" < "$f"; done
mariadb-admin --socket="$socket" -uroot shutdown
wait
unset MYSQL_PWD
exec "\${server[@]}"
`,
      'sandpit.cnf': `# A throwaway server: small files start (and copy up from the image layer) faster.
[mariadbd]
innodb_log_file_size = 8M
innodb_buffer_pool_size = 64M
innodb_temp_data_file_path = ibtmp1:1M:autoextend
`,
    },
  },
  containerPort: 3306,
  standardPort: 3306,
  options: {
    database: { type: 'string', describe: 'database to create (default: test)' },
    user: { type: 'string', describe: 'application user (default: test)' },
    password: { type: 'string', describe: "the user's password (default: random)" },
    rootPassword: { type: 'string', describe: "root's password (default: random)" },
    initScripts: { type: 'string[]', describe: '.sql files or SQL text run in order before ready' },
  },
  resolve({ database = 'test', user = 'test', password, rootPassword, initScripts = [] }) {
    for (const [key, value] of Object.entries({ database, user })) {
      if (!IDENTIFIER.test(value) || (key === 'user' && value === 'root')) {
        throw new SandpitError(
          'INVALID_OPTION',
          `mysql: ${key} "${value}" is not allowed: use 1-64 letters, digits or _${key === 'user' ? ', not root (set rootPassword for root)' : ''}.`,
        );
      }
    }
    return {
      database,
      user,
      password: password ?? randomSecret(),
      rootPassword: rootPassword ?? randomSecret(),
      initScripts: scriptEntries('mysql', initScripts),
    };
  },
  container: (o) => ({
    env: { MYSQL_ROOT_PASSWORD: o.rootPassword, MYSQL_DATABASE: o.database, MYSQL_USER: o.user, MYSQL_PASSWORD: o.password },
  }),
  // The greeting comes only once the accounts exist (lib/readiness/mysql.ts): no client library loaded.
  probe: (target) => mysqlGreets(target.host, target.port, ATTEMPT_MS).then(() => {}),
  async prepare(target, o) {
    const scripts = await loadScripts(o.initScripts);
    if (scripts.length > 0) {
      const { createConnection } = await import('mysql2/promise');
      const connection = await createConnection({
        ...endpoint(target, 'root', o.rootPassword),
        database: o.database,
        multipleStatements: true,
      });
      try {
        for (const script of scripts) {
          try {
            await connection.query(script.sql);
          } catch (error) {
            throw new SandpitError('INIT_SCRIPT_FAILED', `mysql: init script ${script.label} failed: ${describe(error)}`, {
              cause: error,
              stage: 'ready',
            });
          }
        }
      } finally {
        await connection.end().catch(() => {});
      }
    }
  },
  url: ({ host, port }, o) =>
    `mysql://${encodeURIComponent(o.user)}:${encodeURIComponent(o.password)}@${host}:${port}/${o.database}`,
  client: ({ host, port }, o) => `mysql -h ${host} -P ${port} -u ${quote(o.user)} ${quote(`-p${o.password}`)} ${quote(o.database)}`,
  // rootPassword too: a test that creates databases needs it.
  extras: (o) => ({ user: o.user, password: o.password, database: o.database, rootPassword: o.rootPassword }),
  // snapshot: mysqlSnapshot, attached once the offline image takes its data directory from the server's arguments.
};

function endpoint(target: { host: string; port: number }, user: string, password: string) {
  return { host: target.host, port: target.port, user, password, connectTimeout: 1000 };
}
