import { afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import { execa, type ResultPromise } from 'execa';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { track } from '../helpers/children.js';
import { ensureImages, expectExit, named, sandpit, unique } from './run.js';
import { tempFolder } from '../helpers/temp.js';

beforeAll(ensureImages, 600_000);

const proxy = fileURLToPath(new URL('../fixtures/stuck-engine.mjs', import.meta.url));
let engine: ResultPromise | undefined;
afterEach(() => void engine?.kill());

/** An engine through which requests matching `stall` hang forever; its DOCKER_HOST. */
async function stuckEngine(stall: string): Promise<string> {
  const socket = path.join(tempFolder('stuck'), 'docker.sock');
  engine = track(execa('node', [proxy, socket, stall]));
  await new Promise<void>((resolve) => engine!.stdout!.once('data', () => resolve()));
  return `unix://${socket}`;
}

const TIMEOUT_LINE = /^sandpit: `sandpit (ls|up[^`]*)` did not finish within 3 s, so it was stopped; .*\(TIMEOUT\)$/m;

describe('no command hangs forever', () => {
  test('ls on an engine that never answers the list: TIMEOUT, exit 1', async () => {
    const host = await stuckEngine('^GET /[^ ]*containers/json');
    const ls = await sandpit(['ls'], { env: { DOCKER_HOST: host, SANDPIT_COMMAND_TIMEOUT: '3s' } });
    expectExit(ls, 1);
    expect(ls.stderr).toMatch(TIMEOUT_LINE);
  }, 60_000);

  test('an engine that answers nothing at all (a frozen dind): ls and doctor end once they have said so, not at the deadline', async () => {
    const host = await stuckEngine('.');
    for (const command of [['ls'], ['doctor']]) {
      const run = await sandpit(command, { env: { DOCKER_HOST: host, SANDPIT_COMMAND_TIMEOUT: '40s' } });
      expectExit(run, 1);
      expect(`${run.stdout}${run.stderr}`).toMatch(/no answer within 3 s/);
      expect(run.stderr).not.toMatch(/\(TIMEOUT\)/);
    }
  }, 90_000);

  test('up whose container start never returns: TIMEOUT, exit 1, and the container it created is removed', async () => {
    const name = unique('stuck');
    const host = await stuckEngine('^POST /[^ ]*containers/[0-9a-f]+/start');
    const up = await sandpit(['up', 'redis', '-d', '--name', name], { env: { DOCKER_HOST: host, SANDPIT_COMMAND_TIMEOUT: '3s' } });
    expectExit(up, 1);
    expect(up.stderr).toMatch(TIMEOUT_LINE);
    expect(await named(name)).toEqual([]);
    await sandpit(['down', name]); // in case the assertion above failed
  }, 60_000);

  test('a SANDPIT_COMMAND_TIMEOUT beyond what a timer holds (~24.8 days) means no limit, not a TIMEOUT at once', async () => {
    const ls = await sandpit(['ls'], { env: { SANDPIT_COMMAND_TIMEOUT: '9999999' } });
    expectExit(ls, 0);
    expect(ls.stderr).not.toContain('TIMEOUT');
  });

  test.each(['abc', '0', '0s'])('SANDPIT_COMMAND_TIMEOUT=%s is INVALID_OPTION before anything runs, not ignored or an instant TIMEOUT', async (value) => {
    const ls = await sandpit(['ls'], { env: { SANDPIT_COMMAND_TIMEOUT: value } });
    expectExit(ls, 1);
    expect(ls.stderr.trim()).toBe(`sandpit: Invalid SANDPIT_COMMAND_TIMEOUT "${value}": give seconds above 0, such as 600 or 600s (or 600000ms), or unset it. (INVALID_OPTION)`);
  });
});
