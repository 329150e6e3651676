import { expect, test } from '@jest/globals';
import { appendFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { eventually } from '../helpers/engine.js';
import { allGone, fixture, reports, runJest, sessionContainers } from './harness.js';

test('in watch mode the services survive reruns and go when Jest exits', async () => {
  const f = fixture('basic');
  const jest = runJest(f, ['--watchAll', 'a.test']);
  let output = '';
  jest.all!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  expect(await eventually(async () => reports(f).length === 1, 60_000)).toBe(true);
  // Jest drops a file change that comes while a run is still going: change it only once run 1 is over.
  expect(await eventually(async () => /Ran all test suites/.test(output), 60_000, 50)).toBe(true);

  appendFileSync(path.join(f.dir, 'a.test.js'), '\n// changed\n'); // a rerun, with setup and teardown again
  expect(await eventually(async () => reports(f).length === 2, 30_000)).toBe(true);
  const [first, second] = reports(f);
  expect(second).toEqual(first);
  expect(await sessionContainers(first!.session)).toHaveLength(2);

  // A changed config reruns the tests (Jest watches .json): not applied, since Jest's workers keep their
  // variables; said, where it was silent and a test of the new service failed with "no service named".
  expect(await eventually(async () => (output.match(/Ran all test suites/g) ?? []).length === 2, 60_000, 50)).toBe(true);
  writeFileSync(path.join(f.dir, 'sandpit.config.json'), JSON.stringify({ services: { cache: { preset: 'redis' }, box: { preset: 'ubuntu' }, extra: { preset: 'redis' } } }));
  expect(await eventually(async () => reports(f).length === 3, 30_000)).toBe(true);
  expect(output).toContain('sandpit: the config or init scripts changed since Jest started (extra): restart Jest to apply them; the services run as they were.');
  expect(await sessionContainers(first!.session)).toHaveLength(2);

  jest.kill('SIGINT');
  await jest;
  expect(await allGone(first!.session, 15_000)).toBe(true);
});
