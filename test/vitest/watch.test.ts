import { expect, test } from '@jest/globals';
import { appendFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { eventually } from '../helpers/engine.js';
import { allGone, fixture, reports, runVitest, sessionContainers } from './harness.js';

test('watch mode keeps the services across reruns, applies a changed config, and removes all at exit', async () => {
  const f = fixture('basic');
  const vitest = runVitest(f, ['--watch', 'a.test'], {}, true);
  expect(await eventually(async () => reports(f).length === 1, 60_000)).toBe(true);

  appendFileSync(path.join(f.dir, 'a.test.js'), '\n// changed\n'); // a rerun: same services
  expect(await eventually(async () => reports(f).length === 2, 30_000)).toBe(true);
  const [first, second] = reports(f);
  expect(second).toEqual(first);
  expect(await sessionContainers(first!.session)).toHaveLength(2);

  // A config change reruns the tests; unchanged services keep their containers, a new one starts.
  writeFileSync(path.join(f.dir, 'sandpit.config.json'), JSON.stringify({ services: { cache: { preset: 'redis' }, box: { preset: 'ubuntu' }, extra: { preset: 'redis' } } }));
  expect(await eventually(async () => reports(f).length === 3, 60_000)).toBe(true);
  const third = reports(f)[2]!;
  expect(third).toMatchObject({ session: first!.session, cache: first!.cache, envCache: first!.cache, services: ['box', 'cache', 'extra'] });
  expect(await sessionContainers(first!.session)).toHaveLength(3);

  process.kill(-vitest.pid!, 'SIGINT');
  await vitest;
  expect(await allGone(first!.session, 15_000)).toBe(true);
});
