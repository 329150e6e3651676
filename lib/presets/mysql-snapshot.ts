import type { SnapshotRecipe } from '../preset.js';
import type { MysqlResolved } from './mysql-options.js';
import { INIT_DIR, OWN_SCRIPT_PREFIX } from '../seeds/index.js';
import { randomSecret } from './secret.js';
import { CLIENT_CONFIG } from './mysql-client.js';

/**
 * Outside /var/lib/mysql, which the official image declares a VOLUME (a commit leaves it out).
 * The official entrypoint, and the offline one, take the data directory from the server's arguments.
 */
const DATA_DIR = '/var/lib/sandpit-data';
const CREDENTIALS = '/sandpit/credentials.sql';
const SMALL_REDO = '--loose-innodb-redo-log-capacity=8388608';

/** 'S': no code an init script or the entrypoint ends with by chance (sysexits end at 78). */
const STAND_IN_EXIT = 83;
/** Put first on PATH (lib/snapshots/take.ts); anything it does not end goes to the real mysqld. */
const STAND_IN = `#!/bin/sh
case " $* " in
  *" --help "* | *" --initialize"* | *" --skip-networking "* | *" --daemonize "* | *" --version "* | *" -V "* | *" --print-defaults "*) ;;
  *) echo 'sandpit: initialised; the container ends here, instead of serving, for its snapshot to be taken'; exit ${STAND_IN_EXIT} ;;
esac
PATH=\${PATH#*:} # without this stand-in's folder, which is first
exec mysqld "$@"
`;

/**
 * The initialised data directory, with the init scripts applied, is taken once and reused: later
 * starts skip both. Each start still gets its own passwords: an --init-file, copied in before the
 * container starts, sets them while the server boots, before it serves a connection; the
 * snapshot's own (throwaway) passwords stop working.
 */
export const mysqlSnapshot: SnapshotRecipe<MysqlResolved> = {
  // Without scripts the database is empty, and made under its name at each start from the snapshot (restore):
  // one snapshot for every name. A database named per test file (test_<random>) took a cold start of seconds,
  // and left an 86 MB snapshot, each time. Scripts ran in their database: its name is part of their data.
  shapes: ({ database, user, initScripts, serverArgs }) => ({ ...(initScripts.length > 0 ? { database, user } : { user }), ...(serverArgs.length > 0 ? { serverArgs } : {}) }),
  scripts: (o) => o.initScripts,
  always: true,
  // A redo log of 8 MB, not 100 MB: half the snapshot's size, and less to copy up from the image
  // layer on each start. `loose-`: a server without the option (MariaDB, MySQL < 8.0.30) ignores it.
  // Flags only: the official entrypoints (MySQL's, MariaDB's) and the offline one put the server in front,
  // and a start from the snapshot runs the server itself (server below).
  command: (_, spec) => [...(spec.command ?? []), `--datadir=${DATA_DIR}`, SMALL_REDO],
  // The official entrypoint asks `mysqld --verbose --help` for one setting at a time, 17 times per start
  // on a data directory that exists (8.4's docker-entrypoint.sh: as root, then again as mysql); the
  // offline one asks once. The snapshot holds everything its first start did. `--user`: what gosu was for.
  server: ([program]) => (program === 'mysqld' || program === 'mariadbd' ? [program, '--user=mysql'] : undefined),
  build: {
    // With 8 MB of redo log the initialisation and a large seed wait on checkpoints ("Redo log writer is
    // waiting for a new redo log file"): the build has 100 MB, and its last init script sets 8 MB again,
    // so the snapshot keeps a small log (resized at the clean shutdown). 40 MB seed: ~1.4 s. (An entrypoint
    // that does not run the stand-in below serves with 100 MB again, and its snapshot keeps that: larger, still whole.)
    args: (command) => command.map((arg) => (arg === SMALL_REDO ? '--loose-innodb-redo-log-capacity=104857600' : arg)),
    files: {
      // The client's character set, kept in the snapshot (mysql-client.ts).
      ...CLIENT_CONFIG,
      // After the scripts (named 001-…), in the temporary server; on the mysql schema, which no seed drops.
      // A server without the variable (MySQL before 8.0.30, MariaDB) refuses it, which changes nothing: it
      // had no 8 MB setting to keep either.
      [`${INIT_DIR}/${OWN_SCRIPT_PREFIX}redo-log.sh`]: "echo 'SET GLOBAL innodb_redo_log_capacity = 8388608' | docker_process_sql --database=mysql || true\n",
    },
    // The entrypoints (the official 5.7–9.x ones, MariaDB 10.4–10.5's, the offline one) run `mysqld` from PATH
    // for everything: settings (--verbose --help), --initialize-insecure, the temporary server for the scripts
    // (--skip-networking), then `exec mysqld …` to serve. Only that last run is not wanted: the data is
    // initialised and cleanly shut down by then. (MariaDB 10.6 and later run mariadbd: left alone.)
    endAfterInit: { program: 'mysqld', script: STAND_IN, exitCode: STAND_IN_EXIT },
  },
  throwaway: (o) => ({ ...o, password: randomSecret(), rootPassword: randomSecret(), ...(o.initScripts.length > 0 ? {} : { database: EMPTY_DATABASE }) }),
  reuse: (o) => ({ ...o, initScripts: [] }),
  restore: (o, given) => ({
    files: {
      // One statement, one data-dictionary transaction at boot. IF EXISTS: an image without root@'%'
      // still gets the others changed.
      [CREDENTIALS]: `ALTER USER IF EXISTS 'root'@'localhost' IDENTIFIED BY ${literal(o.rootPassword)}, 'root'@'%' IDENTIFIED BY ${literal(o.rootPassword)}, ${literal(o.user)}@'%' IDENTIFIED BY ${literal(o.password)};\n${given.initScripts.length === 0 && o.database !== EMPTY_DATABASE ? renamed(o) : ''}`,
    },
    args: [`--init-file=${CREDENTIALS}`],
  }),
};

/** The database of a snapshot taken without scripts (the preset's default name): another name is made at the start. */
const EMPTY_DATABASE = 'test';

/**
 * The empty database under the start's name, as the image's entrypoint makes it (MYSQL_DATABASE: created,
 * everything granted to the user), in place of the snapshot's. One statement a line, as an init file reads them.
 */
function renamed(o: MysqlResolved): string {
  const name = `\`${o.database}\``; // letters, digits and _ only (the preset's check)
  // In a grant's database name _ is a wildcard: escaped, as the entrypoint escapes it (my_db would match myXdb too).
  const granted = `\`${o.database.replace(/_/g, '\\_')}\``;
  // The file runs at every boot of the container, a `docker restart` too: only an empty `test` is the
  // snapshot's; one with tables is the user's since (it was dropped). A prepared statement: an init file has no IF.
  const dropEmpty = `SET @sandpit_drop = IF((SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = '${EMPTY_DATABASE}') = 0, 'DROP DATABASE IF EXISTS \`${EMPTY_DATABASE}\`', 'DO 0');`;
  return [dropEmpty, 'PREPARE sandpit_drop FROM @sandpit_drop;', 'EXECUTE sandpit_drop;', 'DEALLOCATE PREPARE sandpit_drop;', `CREATE DATABASE IF NOT EXISTS ${name};`, `GRANT ALL ON ${granted}.* TO ${literal(o.user)}@'%';`, ''].join('\n');
}

/** A string literal for the server's default sql_mode; one line, as an init file wants. */
function literal(value: string): string {
  const escapes: Record<string, string> = { '\0': '\\0', '\n': '\\n', '\r': '\\r', '\x1a': '\\Z', "'": "\\'", '"': '\\"', '\\': '\\\\' };
  return `'${value.replace(/[\0\n\r\x1a'"\\]/g, (c) => escapes[c]!)}'`;
}
