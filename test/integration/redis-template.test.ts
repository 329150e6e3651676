import { afterAll, expect, test } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { start } from '../../lib/index.js';
// The built files: the CommonJS isolation module (.cts), which this suite's transform leaves alone.
import isolation from '../../dist/lib/isolation/index.cjs';

const temp = mkdtempSync(path.join(os.tmpdir(), 'sandpit-template-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

// Per-worker isolation copies the seed from a template database at each reset; a warm server keeps that
// template for days. Its keys must not expire there: each copy's expiries count from the copy, as a fresh
// seed's count from the start.
test("a seed's expiring keys and hash fields: each worker's copy has them afresh, long after the template was made", async () => {
  const seed = path.join(temp, 'expiring.redis');
  writeFileSync(seed, 'SET session token PX 5000\nSET plain kept\nHSET fields a 1 b 2\nHPEXPIRE fields 5000 FIELDS 1 a\n');
  // No snapshot: a seed with expiries is never snapshotted anyway (its scripts run at each start).
  await using cache = await start({ preset: 'redis', initScripts: [seed], snapshot: false });
  const target = { preset: 'redis' as const, host: cache.host, port: cache.port, databases: 16 };
  await isolation.prepareMain(target);
  await new Promise((resolve) => setTimeout(resolve, 5100)); // past every expiry the seed set
  await isolation.prepareWorker(target, 3);
  // One exec for every read: each docker exec can take most of a second on a busy machine.
  const read = async (db: number, commands: string[]) =>
    (await cache.exec(['sh', '-c', `printf '%s\\n' "$@" | redis-cli -n ${db}`, 'sh', ...commands])).stdout.trim().split('\n');
  const [pttl, plain, plainTtl, fieldA, fieldB] = await read(3, ['PTTL session', 'GET plain', 'TTL plain', 'HPTTL fields FIELDS 1 a', 'HPTTL fields FIELDS 1 b']);
  // What was left when the template was made (the start's own wait took some), not 0 or gone.
  expect(Number(pttl)).toBeGreaterThan(2500);
  expect(Number(pttl)).toBeLessThanOrEqual(5000);
  expect([plain, plainTtl]).toEqual(['kept', '-1']);
  expect(Number(fieldA)).toBeGreaterThan(2500);
  expect(fieldB).toBe('-1');
  // They still fall due in the copy.
  await new Promise((resolve) => setTimeout(resolve, Number(pttl) + 100));
  expect(await read(3, ['EXISTS session', 'HKEYS fields'])).toEqual(['0', 'b']);
  // A warm server handed back (lib/reuse): database 0 gets the seed again, expiries afresh too.
  await isolation.sealedReset(target, false);
  const [again, size] = await read(0, ['PTTL session', 'DBSIZE']);
  expect(Number(again)).toBeGreaterThan(2500);
  expect(size).toBe('3');
});

test('a server with a template refuses FLUSHALL (it emptied every worker and the seed) and SWAPDB; FLUSHDB empties one database, and reset brings the seed back', async () => {
  const seed = path.join(temp, 'kept.redis');
  writeFileSync(seed, 'SET greeting hello\n');
  await using cache = await start({ preset: 'redis', initScripts: [seed], snapshot: false, password: 'pw' });
  const target = { preset: 'redis' as const, host: cache.host, port: cache.port, databases: 16, password: 'pw' };
  await isolation.prepareMain(target);
  await isolation.prepareWorker(target, 2);
  const cli = async (...args: string[]) => (await cache.exec(['redis-cli', '-a', 'pw', '--no-auth-warning', ...args])).stdout.trim();
  expect(await cli('-n', '2', 'FLUSHALL')).toMatch(/^NOPERM .*flushall/i);
  // SWAPDB would put this worker's data where the seed was (the template: database 15).
  expect(await cli('-n', '2', 'SWAPDB', '2', '15')).toMatch(/^NOPERM .*swapdb/i);
  expect(await cli('-n', '2', 'GET', 'greeting')).toBe('hello');
  expect(await cli('-n', '2', 'FLUSHDB')).toBe('OK');
  await isolation.resetWorker(target, 2);
  expect(await cli('-n', '2', 'GET', 'greeting')).toBe('hello');
  // A warm server taken over (its template kept) refuses it too, a restarted one included.
  await cache.exec(['redis-cli', '-a', 'pw', '--no-auth-warning', 'ACL', 'SETUSER', 'default', '+flushall']);
  await isolation.resetMain(target);
  expect(await cli('FLUSHALL')).toMatch(/^NOPERM/);
});

test("a FLUSHDB in the template's own database (no ACL rule names a database) makes the next copy out of it fail, saying so, rather than copy nothing", async () => {
  await using cache = await start({ preset: 'redis', initScripts: ['SET greeting hello'], snapshot: false });
  const target = { preset: 'redis' as const, host: cache.host, port: cache.port, databases: 16 };
  await isolation.prepareMain(target);
  expect((await cache.exec(['redis-cli', '-n', '15', 'FLUSHDB'])).stdout.trim()).toBe('OK');
  await expect(isolation.prepareWorker(target, 2)).rejects.toThrow(/database 15 no longer holds the seed: a test emptied it/);
  // A warm server taken over: database 0 holds what tests wrote there, not the seed; it was made the template.
  expect((await cache.exec(['redis-cli', 'SET', 'written', 'by-a-test'])).stdout.trim()).toBe('OK');
  await expect(isolation.resetMain(target)).rejects.toMatchObject({ code: 'SANDPIT_NO_TEMPLATE', message: expect.stringMatching(/database 15 no longer holds the seed/) });
});
