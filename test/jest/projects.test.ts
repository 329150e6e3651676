import { expect, test } from '@jest/globals';
import { mkdirSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { allGone, fixture, pidGone, runJest } from './harness.js';

// A monorepo's Jest `projects`, each package with a sandpit config of its own: Jest's workers and their
// variables are the run's, so sandpit takes one config per run, the run's rootDir's. Said plainly, where
// the root's absence was all it said, and a second package's setup was taken for a watch-mode rerun.
test("Jest projects with a config per package and none at the root: one line saying where the config goes", async () => {
  const f = fixture('projects');
  const result = await runJest(f);
  expect(result.exitCode).toBe(1);
  expect(result.all).toContain(`Put the services in one sandpit.config at ${realpathSync(f.dir)}, the Jest run's rootDir: Jest \`projects\` share one run's workers and their variables`);
});

test("a globalSetup per package passing its own folder: the second is refused, and nothing is left", async () => {
  const f = fixture('projects');
  const jest = runJest(f, [], { FIXTURE_WRAP: '1' });
  const result = await jest;
  expect(result.exitCode).toBe(1);
  expect(result.all).toMatch(/One sandpit config per Jest run: the services of \S+\/[ab]'s have started, and this setup asks for \S+\/[ab]'s\./);
  // The first package's services did start: gone with Jest.
  const session = /\(session ([^),]+)/.exec(result.all ?? '')?.[1];
  expect(session).toBeDefined();
  expect(await allGone(session!, 15_000)).toBe(true);
  expect(await pidGone(jest.pid!, 15_000)).toBe(true);
});

test('--selectProjects of one package with a config of its own: that config, its services only', async () => {
  const f = fixture('projects');
  const result = await runJest(f, ['--selectProjects', 'b']);
  expect(result.exitCode).toBe(0);
  // It refused (no root config); with a root config, it started every package's services.
  expect(result.all).toMatch(/sandpit: projb ready in [\d.]+ s \(session [^,)]+\)/);
  expect(result.all).not.toContain('proja');
});

test("Jest run inside a package without a config: the repository root's, named in the ready line", async () => {
  const f = fixture('projects');
  rmSync(path.join(f.dir, 'a', 'sandpit.config.json'));
  writeFileSync(path.join(f.dir, 'sandpit.config.json'), JSON.stringify({ services: { rootcache: { preset: 'redis' } } }));
  mkdirSync(path.join(f.dir, '.git')); // the search stops at the repository's root, and reads nothing above it
  const result = await runJest({ ...f, dir: path.join(f.dir, 'a') });
  expect(result.exitCode).toBe(0);
  // It said "no services to start: found no sandpit.config.json … in …/a".
  expect(result.all).toMatch(/sandpit: rootcache ready in [\d.]+ s \(session [^,)]+, config \.\.\/sandpit\.config\.json\)/);
});

test("a run of several projects with a root config: the packages' own configs are said to be read in a run of one alone", async () => {
  const f = fixture('projects');
  writeFileSync(path.join(f.dir, 'sandpit.config.json'), JSON.stringify({ services: { rootcache: { preset: 'redis' } } }));
  const result = await runJest(f);
  expect(result.exitCode).toBe(0);
  // They were left without a word (a walkthrough's package config, never read).
  expect(result.all).toContain('sandpit: this run of 2 projects reads sandpit.config.json; a/sandpit.config.json, b/sandpit.config.json are read in a run of their project alone (--selectProjects)');
  expect(result.all).toMatch(/sandpit: rootcache ready in/);
});
