import { afterAll, expect, test } from '@jest/globals';
import { execa } from 'execa';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { removeContainer } from '../../lib/cleanup/remove.js';
import { claim, resetterAlive } from '../../lib/cleanup/reused.js';
import { eventually } from '../helpers/engine.js';
import { expectExit, sandpit } from '../cli/run.js';
import { holdOffPrunes } from '../helpers/prune-lock.js';

// Other files' prunes would take the idle warm containers this file hands back and takes over.
holdOffPrunes();

// The built library: lib/runner reaches lib/isolation's CommonJS sources (.cts), which this Jest
// config does not transform; `npm test` builds dist/ first.
const { startWarm } = (await import('../../dist/lib/runner/warm.js' as string)) as typeof import('../../lib/runner/warm.js');
const warmJs = fileURLToPath(new URL('../../dist/lib/runner/warm.js', import.meta.url));

const name = `superseded${process.pid}`;
const project = `/projects/${name}/sandpit.config.json`;
const list = (seed: string) => [{ preset: 'redis' as const, name, initScripts: [`SET seed ${seed}-${Date.now()}`] }];
const present = async (which = name) => (await execa('docker', ['ps', '-aq', '--no-trunc', '--filter', `label=sandpit.name=${which}`])).stdout.split('\n').filter(Boolean).sort();
/** A test run of its own process, as each `jest` is: it hands its service back and ends; its resetter then resets it. */
const runElsewhere = async (seed: string, from = project, as = name): Promise<string> => {
  const script = `const { startWarm } = await import(${JSON.stringify(warmJs)});
const warm = await startWarm(${JSON.stringify(list(seed).map((o) => ({ ...o, name: as })))}, { idleMs: 600000, project: ${JSON.stringify(from)} });
console.log(warm.services[0].containerId);
await Promise.all([...warm.releases.values()].map((r) => r()));`;
  const id = (await execa(process.execPath, ['--input-type=module', '-e', script])).stdout.trim();
  await eventually(async () => !resetterAlive(id), 30_000);
  return id;
};

afterAll(async () => {
  await Promise.allSettled([...(await present()), ...(await present(`${name}d`)), ...(await present(`${name}dbusy`))].map((id) => removeContainer(id)));
});

test("a test run whose config changed a service's options removes that service's warm container of the old options, unless a run holds it", async () => {
  // Held by a run still going (this process), from before the edits.
  const held = await startWarm(list('held'), { idleMs: 600_000, project });
  const first = await runElsewhere('one');
  // Another config file's warm service of the same name is not this one's to remove.
  const other = await runElsewhere('other', `${project}.elsewhere`);
  expect(await present()).toEqual([held.services[0]!.containerId, first, other].sort());
  const edited = await runElsewhere('two');
  // The first (idle, reset, superseded) went beside the new start; the held one and the other project's stay.
  expect(await present()).toEqual([held.services[0]!.containerId, other, edited].sort());
  // `sandpit ls` says whose each warm one is.
  const listed = await sandpit(['ls']);
  expectExit(listed, 0);
  const row = (id: string) => listed.stdout.split('\n').find((line) => line.includes(id.slice(0, 12))) ?? '';
  expect(row(edited)).toContain(`reused (/projects/${name})`);
  expect(row(other)).toContain(`reused (/projects/${name})`); // its file is another, in the same folder
}, 120_000);

test("sandpit down <name> removes this folder's warm service of that name, not another folder's (whose run may be using it)", async () => {
  const [mine, theirs] = [mkdtempSync(path.join(os.tmpdir(), 'sandpit-down-mine-')), mkdtempSync(path.join(os.tmpdir(), 'sandpit-down-theirs-'))];
  const shared = `${name}d`;
  try {
    const other = await runElsewhere('theirs', path.join(theirs, 'sandpit.config.json'), shared);
    const own = await runElsewhere('mine', path.join(mine, 'sandpit.config.json'), shared);
    // exec by name takes this folder's (two of that name run warm, one per folder): each its own seed.
    const seedIn = async (cwd: string) => (await sandpit(['exec', shared, '--', 'redis-cli', 'get', 'seed'], { cwd })).stdout;
    expect(await seedIn(mine)).toMatch(/^mine-/);
    expect(await seedIn(theirs)).toMatch(/^theirs-/);
    // It removed both (a test run in the other folder failed under it); now the other is named and kept.
    const down = await sandpit(['down', shared], { cwd: mine });
    expectExit(down, 0);
    expect(down.stderr).toBe(`sandpit: removed 1 service: ${shared}`);
    expect(await present(shared)).toEqual([other]);
    expect(own).not.toBe(other);
    const again = await sandpit(['down', shared], { cwd: mine });
    expectExit(again, 1);
    expect(again.stderr).toContain(`"${shared}" runs warm (kept by test runs) for another project, ${theirs}: run \`sandpit down\` in its folder`);
    const listed = await sandpit(['ls'], { cwd: mine });
    expect(listed.stdout.split('\n').find((line) => line.includes(other.slice(0, 12)))).toContain(`reused (${theirs})`);
    expect((await sandpit(['down', '--dry-run', '--project', theirs], { cwd: mine })).stderr).toBe(`sandpit: would remove 1 service: ${shared}`);
    // A run of that folder holding another of its warm services now (watch mode in another terminal): bare down
    // leaves it, saying so; it removed it under the run's tests.
    const busy = `${name}busy`;
    const busyId = await runElsewhere('busy', path.join(theirs, 'sandpit.config.json'), busy);
    // Held as a run holds it (its lock), by this process: a run of its own would keep a resetter waiting for it.
    const token = (await execa('docker', ['inspect', busyId, '--format', '{{ index .Config.Labels "sandpit.reuse.claim" }}'])).stdout.trim();
    const release = await claim(token);
    expect(release).toBeDefined();
    try {
      const spared = await sandpit(['down'], { cwd: theirs });
      expectExit(spared, 0);
      expect(spared.stderr).toContain(`sandpit: left ${busy}: kept warm for a test run that is using it now (\`sandpit down ${busy}\` removes it anyway)`);
      expect(await present(busy)).toEqual([busyId]);
      expect(await present(shared)).toEqual([]); // the idle one went
    } finally {
      await release?.();
    }
    // No names, in its folder: that project's, warm ones too (as docker compose down).
    const bare = await sandpit(['down'], { cwd: theirs });
    expectExit(bare, 0);
    expect(bare.stderr).toBe(`sandpit: removed 1 service: ${busy}`);
    expect(await present(busy)).toEqual([]);
  } finally {
    rmSync(mine, { recursive: true, force: true });
    rmSync(theirs, { recursive: true, force: true });
  }
}, 120_000);
