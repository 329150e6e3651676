import type { Preset } from '../preset.js';
import type { MysqlOptions, MysqlResolved } from './mysql-options.js';
import { quote } from './quote.js';
import { SandpitError } from '../errors.js';
import { INIT_DIR, checkEntries, packSeeds, planSeeds, seedFailure } from '../seeds/index.js';
import { mysqlOffline } from './mysql-image.js';
import { definersSeed } from './mysql-definers.js';
import { databasesSeed } from './mysql-databases.js';
import { loginPassword } from './mysql-login.js';
import { checkServerArgs } from './server-args.js';
import { CLIENT_CONFIG } from './mysql-client.js';
import { mysqlSnapshot } from './mysql-snapshot.js';
import { randomSecret } from './secret.js';
import { ATTEMPT_MS } from '../readiness/probes.js';
import { mysqlGreets } from '../readiness/mysql.js';
import { firstLogins } from '../readiness/mysql-login.js';

export type { MysqlOptions, MysqlResolved } from './mysql-options.js';

const IDENTIFIER = /^[A-Za-z0-9_]+$/;
/** MySQL's own limits: a database name 64 characters, a user name 32 (the server refuses it at init, after a full start). */
const MAX_LENGTH = { database: 64, user: 32 } as const;

export const mysql: Preset<MysqlOptions, MysqlResolved> = {
  name: 'mysql',
  summary: 'MySQL database',
  image: 'mysql:8.4',
  // Offline: Oracle's MySQL from Debian, started the official image's way (see mysql-image.ts).
  offline: mysqlOffline,
  containerPort: 3306,
  standardPort: 3306,
  options: {
    database: { type: 'string', describe: 'database to create (default: test)' },
    user: { type: 'string', describe: 'application user (default: test)' },
    password: { type: 'string', describe: "the user's password (default: random)" },
    rootPassword: { type: 'string', describe: "root's password (default: random)" },
    initScripts: { type: 'string[]', describe: '.sql/.sql.gz/.sql.bz2/.sql.xz/.sql.zst/.sh files, folders of them, or SQL text, run in order before ready' },
    performanceSchema: { type: 'boolean', describe: "keep the server's performance_schema (default: off, ~200 ms faster boot)" },
    serverArgs: { type: 'string[]', describe: "more flags for mysqld, e.g. --server-arg=--local-infile=1 (repeat it)" },
  },
  resolve({ database = 'test', user = 'test', password, rootPassword, initScripts = [], performanceSchema = false, serverArgs = [] }) {
    for (const [key, value] of [['database', database], ['user', user]] as const) {
      if (!IDENTIFIER.test(value) || value.length > MAX_LENGTH[key] || (key === 'user' && value === 'root')) {
        throw new SandpitError(
          'INVALID_OPTION',
          `mysql: ${key} "${value}" is not allowed: use 1-${MAX_LENGTH[key]} letters, digits or _${key === 'user' ? ', not root (set rootPassword for root)' : ''}.`,
          { option: key },
        );
      }
    }
    return {
      database,
      user,
      password: password ?? randomSecret(),
      rootPassword: rootPassword ?? randomSecret(),
      initScripts: checkEntries('mysql', initScripts),
      performanceSchema,
      serverArgs: checkServerArgs('mysql', serverArgs),
    };
  },
  container: (o) => ({
    env: { MYSQL_ROOT_PASSWORD: o.rootPassword, MYSQL_DATABASE: o.database, MYSQL_USER: o.user, MYSQL_PASSWORD: o.password },
    // Bare flags: the official entrypoints (MySQL's and MariaDB's) and the offline one put the server
    // in front. They hold for the initialising run too, and are no part of a snapshot's data.
    // Doublewrite guards pages against a power cut mid-write; a throwaway container never outlives its
    // server, and without it InnoDB opens (and overlayfs copies up) 16 MB less at each boot: ~40 ms.
    command: [...(o.performanceSchema ? [] : ['--performance-schema=OFF']), '--innodb-doublewrite=OFF', ...o.serverArgs],
  }),
  // The greeting comes only once the accounts exist (lib/readiness/mysql.ts): no client library loaded.
  probe: (target) => mysqlGreets(target.host, target.port, ATTEMPT_MS).then(() => {}),
  // Each account's first login since the server started, over TLS: clients' first connection then takes
  // caching_sha2_password's fast path and needs neither TLS nor the server's RSA key (lib/readiness/mysql-login.ts).
  prepare: (target, o) => firstLogins(target.host, target.port, [[o.user, o.password], ['root', o.rootPassword]]),
  // The client's character set, for the seeds and for `exec -- mysql`: every snapshot's build puts it in
  // (mysql-snapshot.ts), so a start from one copies nothing more in; a start without one copies it.
  files: (_, { fromSnapshot }) => (fromSnapshot ? {} : CLIENT_CONFIG),
  // Init scripts go where the image's entrypoint runs them through the mysql client, before the port opens (lib/seeds).
  // After them, accounts for the definers a dump names (mysql-definers.ts), and a notice when the url's database
  // stayed empty while another was filled (mysql-databases.ts).
  archives: (o) =>
    o.initScripts.length > 0
      ? [{ path: INIT_DIR, open: () => packSeeds(planSeeds('mysql', o.initScripts).then((seeds) => [...seeds, databasesSeed(o.database), definersSeed])) }]
      : [],
  explainStop: async (logs, o) => seedFailure('mysql', logs, await planSeeds('mysql', o.initScripts).catch(() => [])),
  url: ({ host, port }, o) =>
    `mysql://${encodeURIComponent(o.user)}:${encodeURIComponent(o.password)}@${host}:${port}/${o.database}`,
  client: ({ host, port }, o) => `mysql -h ${host} -P ${port} -u ${quote(o.user)} ${quote(`-p${o.password}`)} ${quote(o.database)}`,
  // rootPassword too: a test that creates databases needs it.
  extras: (o) => ({ user: o.user, password: o.password, database: o.database, rootPassword: o.rootPassword }),
  execEnv: (command, extras): Record<string, string> => {
    const password = loginPassword(command, extras);
    return password ? { MYSQL_PWD: password } : {};
  },
  snapshot: mysqlSnapshot,
  bootsSlowly: true,
  // Without CAP_SYS_NICE every mysqld start (the entrypoint's temporary server too) says these: 12 of an
  // INIT_SCRIPT_FAILED's 20 last lines, and the SQL error that mattered scrolled out.
  logNoise: /^(get_mempolicy|mbind|set_mempolicy): Operation not permitted$|Failed to set NUMA memory policy/,
};
