import type { SnapshotRecipe } from '../preset.js';
import type { RedisResolved } from './redis.js';
import { connect } from './redis-client.js';

/**
 * Outside /data, which the official image declares a VOLUME (a commit leaves it out). Also the
 * working directory: the entrypoint hands that to the redis user.
 */
const DATA_DIR = '/var/lib/sandpit-data';

/**
 * With init scripts, the data they leave is saved (SAVE, to dump.rdb in the data directory) and
 * taken once; later starts load it and run no script. The password is a server argument, not
 * data: each start keeps its own.
 */
export const redisSnapshot: SnapshotRecipe<RedisResolved> = {
  shapes: () => ({}),
  scripts: (o) => o.initScripts,
  always: false,
  workingDir: DATA_DIR,
  command: (_, spec) => [...(spec.command ?? ['redis-server']), '--dir', DATA_DIR],
  throwaway: ({ initScripts }) => ({ initScripts }),
  async seal(target, { password }) {
    await using client = await connect(target, password);
    await client.redis.sendCommand(['SAVE']);
  },
  reuse: (o) => ({ ...o, initScripts: [] }),
};
