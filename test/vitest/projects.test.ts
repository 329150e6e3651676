import { expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { allGone, fixture, runVitest } from './harness.js';

interface Checked {
  project: string;
  pool: string;
  database: string;
  seeded: string;
  env: string | null;
  url: string;
  /** The other project's SANDPIT_<NAME>_* this worker saw. */
  foreign: string[];
}

// A monorepo's `projects`, each with its own global setup and config. Its projects have no maxWorkers of
// their own: only worker 1's copies were made (`Unknown database 'api_w2'`, or an empty redis database),
// and the last project's SANDPIT_* were every worker's; then each project's own were there, and the other's
// too (a's workers saw SANDPIT_STORE_*), and c, with no sandpit, had the last one's.
test("Vitest projects, a global setup and a config each: every worker has its own copy of its project's service, in env too, and not another project's; a project without sandpit sees none", async () => {
  const f = fixture('projects');
  const result = await runVitest(f, ['run', '--maxWorkers=3']);
  const lines = readFileSync(f.out, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Checked | { project: 'c'; seen: string[] });
  const checked = lines.filter((line): line is Checked => line.project !== 'c');
  expect({ exit: result.exitCode, passed: /Tests +7 passed/.test(result.all ?? '') }).toEqual({ exit: 0, passed: true });
  expect(checked).toHaveLength(6);
  expect(lines.filter((line) => line.project === 'c')).toEqual([{ project: 'c', seen: ['SANDPIT_STORE_URL=mine'] }]);
  // Workers past the first ran some of them: what was broken.
  expect(checked.some((c) => c.pool !== '1')).toBe(true);
  for (const c of checked) expect(c).toMatchObject({ database: c.pool, seeded: c.project, env: c.url, foreign: [] });
  // Each project's ready line names it: both have a service of their own, and "ready in" alone said not whose.
  expect(result.all).toMatch(/sandpit: \w+ ready in [\d.]+ s \(project a, session /);
  expect(result.all).toMatch(/sandpit: \w+ ready in [\d.]+ s \(project b, session /);
  const sessions = [...new Set((result.all ?? '').match(/\(project \w+, session [^),]+/g) ?? [])].map((s) => s.replace(/^\(project \w+, session /, ''));
  // A session for both, or one each where Vitest loads each project's global setup as a module of its own.
  expect(sessions.length).toBeGreaterThan(0);
  for (const session of sessions) expect(await allGone(session, 5000)).toBe(true);
});
