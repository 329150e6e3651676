import { afterAll, beforeAll } from '@jest/globals';
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import lockfile from 'proper-lockfile';
import { alive } from '../../lib/cleanup/alive.js';

const file = path.join(os.tmpdir(), 'sandpit-test-prune');
/** One file per test file that must not see a prune now: its pid inside, so a killed worker's file counts as gone. */
const holders = `${file}.holders`;

const lock = async () => {
  closeSync(openSync(file, 'a'));
  return lockfile.lock(file, { retries: { retries: 1200, minTimeout: 100, maxTimeout: 200 }, stale: 30_000 });
};

/** Other processes' holders (a file that holds prunes off and prunes itself would wait for itself). */
const liveHolders = (): string[] =>
  readdirSync(holders).filter((entry) => {
    let pid: number;
    try {
      pid = Number(readFileSync(path.join(holders, entry), 'utf8'));
    } catch {
      return false; // its file ended between the listing and the read
    }
    if (pid === process.pid) return false;
    if (alive(pid)) return true;
    rmSync(path.join(holders, entry), { force: true });
    return false;
  });

/**
 * Runs `body` while no other test file runs a full prune, and once no file that holds prunes off is
 * running. A test that makes a dead session's container on purpose and then lists or prunes it would
 * otherwise race another file's prune, which removes any dead session's containers (the background sweep
 * of each start leaves those younger than a minute); and a prune removes the idle warm containers that
 * another file's next run is about to take over.
 */
export async function withPruneLock<T>(body: () => Promise<T>): Promise<T> {
  const release = await lock();
  try {
    mkdirSync(holders, { recursive: true });
    // Held, the lock lets no new holder in: those running now end, and the wait with them.
    const until = Date.now() + 240_000;
    while (liveHolders().length > 0) {
      if (Date.now() > until) throw new Error(`test files still hold prunes off after 4 min: ${liveHolders().join(', ')}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    return await body();
  } finally {
    await release();
  }
}

/**
 * Holds every prune of other test files off while this file runs (call it at the top of the file): for
 * files whose warm containers sit idle between runs that take them over (`sandpit prune` removes idle
 * warm containers, as it should). Many files hold at once; a prune waits for them all.
 */
export function holdOffPrunes(): void {
  const mine = path.join(holders, `${process.pid}-${randomUUID()}`);
  beforeAll(async () => {
    const release = await lock();
    try {
      mkdirSync(holders, { recursive: true });
      writeFileSync(mine, String(process.pid));
    } finally {
      await release();
    }
  }, 300_000);
  afterAll(() => rmSync(mine, { force: true }));
}
