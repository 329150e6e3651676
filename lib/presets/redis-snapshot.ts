import type { SnapshotRecipe } from '../preset.js';
import type { RedisResolved } from './redis-options.js';
import { connect } from './redis-client.js';
import { DATA_DIR } from './redis-data.js';

/**
 * With init scripts, the data they leave is saved (SAVE, to dump.rdb in the data directory) and
 * taken once; later starts load it and run no script. The password is a server argument, not
 * data: each start keeps its own.
 */
export const redisSnapshot: SnapshotRecipe<RedisResolved> = {
  // How many databases the saved data may use.
  shapes: ({ databases, serverArgs }) => ({ ...(databases ? { databases } : {}), ...(serverArgs.length > 0 ? { serverArgs } : {}) }),
  scripts: (o) => o.initScripts,
  always: false,
  workingDir: DATA_DIR,
  // With an RDB, the preset's command already has --dir (redis takes the last one given anyway).
  command: (_, spec) => {
    const command = spec.command ?? ['redis-server'];
    return command.includes('--dir') ? command : [...command, '--dir', DATA_DIR];
  },
  throwaway: ({ password: _, ...o }) => o,
  async seal(target, { password }) {
    await using client = await connect(target, password);
    // A snapshot keeps an expiry as the moment it falls due: `SET k v EX 3600` in a seed would be gone from
    // every start an hour after the snapshot was taken. Such seeds run at each start, as without snapshots.
    // Hash fields' own expiries (HEXPIRE, redis 7.4+) count as subexpiry; Valkey 9 says keys_with_volatile_items.
    const keyspace = String(await client.redis.sendCommand(['INFO', 'keyspace']));
    if (/(?:expires|subexpiry|keys_with_volatile_items)=[1-9]/.test(keyspace)) return 'the init scripts leave keys that expire, which a snapshot would hold to fixed times';
    await client.redis.sendCommand(['SAVE']);
    return undefined;
  },
  reuse: (o) => ({ ...o, initScripts: [] }),
};
