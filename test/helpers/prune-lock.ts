import { closeSync, openSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import lockfile from 'proper-lockfile';

const file = path.join(os.tmpdir(), 'sandpit-test-prune');

/**
 * Runs `body` while no other test file runs a full prune. A test that makes a dead session's container
 * on purpose and then lists or prunes it would otherwise race another file's prune, which removes any
 * dead session's containers (the background sweep of each start leaves those younger than a minute).
 */
export async function withPruneLock<T>(body: () => Promise<T>): Promise<T> {
  closeSync(openSync(file, 'a'));
  const release = await lockfile.lock(file, { retries: { retries: 600, minTimeout: 100, maxTimeout: 200 }, stale: 30_000 });
  try {
    return await body();
  } finally {
    await release();
  }
}
