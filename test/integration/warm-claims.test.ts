import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { execa } from 'execa';
import { fileURLToPath } from 'node:url';
import { docker } from '../../lib/docker/client.js';
import { removeContainer } from '../../lib/cleanup/remove.js';
import { startOrReuse, type Warm } from '../../lib/reuse/start.js';
import { holdOffPrunes } from '../helpers/prune-lock.js';
import { tempFolder } from '../helpers/temp.js';

// This file holds a warm container throughout; a prune would not take it, but let it not try.
holdOffPrunes();

const takeOver = fileURLToPath(new URL('../fixtures/warm-take-over.mjs', import.meta.url));
const reaper = fileURLToPath(new URL('../../dist/lib/reuse/reaper-process.js', import.meta.url));

// A run's hold on a warm container is a lock file. Processes on one machine with different temp dirs (a test
// harness's private TMPDIR, a CI job's) share the engine, so they must share those locks too.
describe('warm containers held by a run, seen from a process with another TMPDIR', () => {
  const name = `warmclaims${process.pid}`;
  let warm: Warm;
  let id = '';

  beforeAll(async () => {
    // Held (not released) for the whole file, with an idle time a reaper would count out in a second.
    warm = await startOrReuse([{ preset: 'redis', name }], { idleMs: 1000 }, () => true);
    id = warm.services[0]!.containerId;
  });

  afterAll(async () => {
    await Promise.all([...warm.releases.values()].map((release) => release()));
    if (id) await removeContainer(id);
  });

  const running = async (container: string) => {
    const info = await (await docker()).container.dockerode.getContainer(container).inspect().catch(() => undefined);
    return info?.State.Running === true;
  };

  test('a second run under another TMPDIR starts its own rather than taking over the held one', async () => {
    const { stdout } = await execa('node', [takeOver, name], { env: { TMPDIR: tempFolder('warm-claims-run'), SANDPIT_REAPER: '0' } });
    const taken = JSON.parse(stdout) as { id: string; reused: boolean };
    try {
      expect(taken.id).not.toBe(id);
      expect(taken.reused).toBe(false);
    } finally {
      if (taken.id !== id) await removeContainer(taken.id);
    }
  });

  test('a reaper started under another TMPDIR leaves it alone past its idle time', async () => {
    const child = execa('node', [reaper], { env: { TMPDIR: tempFolder('warm-claims-reaper') }, reject: false });
    try {
      // The reaper looks every quarter of the idle time: four idle times without the claim seen would remove it.
      await new Promise((resolve) => setTimeout(resolve, 4000));
      expect(await running(id)).toBe(true);
    } finally {
      child.kill();
      await child;
    }
  });
});
