import type { Preset } from '../preset.js';
import type { RedisOptions, RedisResolved } from './redis-options.js';
import { quote } from './quote.js';
import { SandpitError } from '../errors.js';
import { ATTEMPT_MS } from '../readiness/probes.js';
import { redisPongs } from '../readiness/redis.js';
import { applyRedisScripts } from '../seeds/redis-apply.js';
import { commandEntries, rdbStart, redisEntries } from './redis-data.js';
import { checkServerArgs } from './server-args.js';
import { connect } from './redis-client.js';
import { redisSnapshot } from './redis-snapshot.js';

export type { RedisOptions, RedisResolved } from './redis-options.js';

export const redis: Preset<RedisOptions, RedisResolved> = {
  name: 'redis',
  summary: 'Redis key-value store',
  image: 'redis:8.0',
  // redis:8.0's contract from Debian trixie's redis-server 8.0: the official entrypoint's argument
  // handling, port 6379. Same major.minor, so clients' feature checks agree on both.
  offline: {
    suite: 'trixie',
    server: { name: 'redis', package: 'redis-server' },
    dockerfile: `FROM {{base}}
RUN apt-get update && apt-get install -y --no-install-recommends redis-server \\
 && apt-get clean && rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin \\
 && mkdir /data && chown redis:redis /data
WORKDIR /data
COPY docker-entrypoint.sh /usr/local/bin/
ENTRYPOINT ["docker-entrypoint.sh"]
EXPOSE 6379
CMD ["redis-server"]
`,
    files: {
      'docker-entrypoint.sh': `#!/bin/sh
# The official redis image's entrypoint, with setpriv for gosu: bare flags or a .conf mean
# redis-server, which runs as redis, with protected mode off unless a config file says otherwise.
set -e
if [ "\${1#-}" != "$1" ] || [ "\${1%.conf}" != "$1" ]; then set -- redis-server "$@"; fi
if [ "$1" = redis-server ] && [ "$(id -u)" = 0 ]; then
  find . \\! -user redis -exec chown redis '{}' +
  exec setpriv --reuid=redis --regid=redis --init-groups "$0" "$@"
fi
if [ "$1" = redis-server ] && ! { [ -f "$2" ] && grep -q '^protected-mode' "$2"; }; then
  set -- "$@" --protected-mode no
fi
um=$(umask)
if [ "$um" = 0022 ]; then umask 0077; fi
exec "$@"
`,
    },
  },
  containerPort: 6379,
  standardPort: 6379,
  options: {
    password: { type: 'string', describe: 'require this password (AUTH)' },
    initScripts: { type: 'string[]', describe: '.redis/.txt files of commands, or command text, run in order before ready; first, an .rdb file to load' },
    databases: { type: 'number', describe: 'number of logical databases (default 16)' },
    serverArgs: { type: 'string[]', describe: 'more flags for redis-server, e.g. --server-arg=--maxmemory --server-arg=64mb' },
  },
  resolve: ({ password, initScripts = [], databases, serverArgs = [] }) => {
    if (databases !== undefined && !(Number.isInteger(databases) && databases >= 1 && databases <= 100_000)) {
      throw new SandpitError('INVALID_OPTION', `redis: databases ${databases} is not allowed: use a whole number from 1 to 100000.`, { option: 'databases' });
    }
    return {
      ...(password === undefined ? {} : { password }),
      initScripts: redisEntries(initScripts),
      ...(databases === undefined ? {} : { databases }),
      serverArgs: checkServerArgs('redis', serverArgs),
    };
  },
  container: ({ password, initScripts, databases, serverArgs }) => {
    const { args, workingDir } = rdbStart(initScripts);
    return {
      // Explicit flags so the official image and the offline one behave alike; no disk
      // snapshots in a throwaway store.
      command: ['redis-server', '--protected-mode', 'no', '--save', '', ...(password ? ['--requirepass', password] : []), ...(databases ? ['--databases', String(databases)] : []), ...serverArgs, ...args],
      ...(workingDir ? { workingDir } : {}),
    };
  },
  files: ({ initScripts }) => rdbStart(initScripts).files,
  // In the url too; on its own for a client configured by parts (SANDPIT_<NAME>_PASSWORD, as mysql's).
  extras: ({ password }): Record<string, string> => (password === undefined ? {} : { password }),
  probe: (target, { password }) => redisPongs(target.host, target.port, password, ATTEMPT_MS).then(() => {}),
  async prepare(target, { password, initScripts }) {
    const commands = commandEntries(initScripts);
    if (commands.length === 0) return;
    await using client = await connect(target, password);
    await applyRedisScripts(client.redis, commands, initScripts.length - commands.length);
  },
  snapshot: redisSnapshot,
  url: ({ host, port }, { password }) =>
    `redis://${password ? `:${encodeURIComponent(password)}@` : ''}${host}:${port}`,
  client: ({ host, port }, { password }) => `redis-cli -h ${host} -p ${port}${password ? ` --no-auth-warning -a ${quote(password)}` : ''}`,
};
