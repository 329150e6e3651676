import { afterAll, expect, test } from '@jest/globals';
import { execa } from 'execa';
import { fileURLToPath } from 'node:url';
import { removeContainer } from '../../lib/cleanup/remove.js';
import { resetterAlive } from '../../lib/cleanup/reused.js';
import { eventually } from '../helpers/engine.js';
import { holdOffPrunes } from '../helpers/prune-lock.js';

// Other files' prunes would take the idle warm containers this file hands back and takes over.
holdOffPrunes();

// The built library (lib/runner reaches lib/isolation's CommonJS sources, which this Jest config does not transform).
const warmJs = fileURLToPath(new URL('../../dist/lib/runner/warm.js', import.meta.url));
const names = ['a', 'b'].map((letter) => `seedless${letter}${process.pid}`);
const list = names.map((name, i) => ({ preset: 'redis' as const, name, initScripts: [`SET seed ${'ab'[i]}`] }));
const project = `/projects/seedless${process.pid}/sandpit.config.json`;
const present = async () =>
  (await Promise.all(names.map(async (name) => (await execa('docker', ['ps', '-aq', '--no-trunc', '--filter', `label=sandpit.name=${name}`])).stdout))).join('\n').split('\n').filter(Boolean);

/** A test run of its own process, as each `jest` is: takes over or starts both, hands them back; then the seeds their templates hold. */
async function run(): Promise<{ ids: string[]; seeds: string[] }> {
  const script = `const { startWarm } = await import(${JSON.stringify(warmJs)});
const warm = await startWarm(${JSON.stringify(list)}, { idleMs: 600000, project: ${JSON.stringify(project)} });
console.log(JSON.stringify(warm.services.map((s) => s.containerId)));
await Promise.all([...warm.releases.values()].map((r) => r()));`;
  const ids = JSON.parse((await execa(process.execPath, ['--input-type=module', '-e', script])).stdout.trim()) as string[];
  for (const id of ids) await eventually(async () => !resetterAlive(id), 30_000);
  const seeds = await Promise.all(ids.map(async (id) => (await execa('docker', ['exec', id, 'redis-cli', '-n', '15', 'get', 'seed'])).stdout));
  return { ids, seeds };
}

afterAll(async () => {
  await Promise.allSettled((await present()).map((id) => removeContainer(id)));
});

test('two warm redis servers whose templates tests emptied: the next run replaces both, each from its own scripts', async () => {
  const first = await run();
  expect(first.seeds).toEqual(['a', 'b']);
  // As a test that cleans up with FLUSHDB in every database would: the template (database 15) of each is empty.
  // And what the tests left in database 0, which must not become the seed.
  for (const id of first.ids) {
    expect((await execa('docker', ['exec', id, 'redis-cli', '-n', '15', 'FLUSHDB'])).stdout).toBe('OK');
    expect((await execa('docker', ['exec', id, 'redis-cli', '-n', '0', 'SET', 'seed', 'by-a-test'])).stdout).toBe('OK');
  }
  // Only the first was replaced before the run started again; the second then failed it (no retry is left).
  const second = await run();
  expect(second.ids[0]).not.toBe(first.ids[0]);
  expect(second.ids[1]).not.toBe(first.ids[1]);
  expect(second.seeds).toEqual(['a', 'b']);
  expect((await present()).sort()).toEqual([...second.ids].sort());
}, 120_000);
