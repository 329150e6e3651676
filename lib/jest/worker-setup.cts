// setupFilesAfterEnv of the preset: runs in each test file's sandbox, in a worker. Before the worker's first
// test it makes sure its mysql database exists and holds the seed (later files of the same worker skip that).
// The file's SANDPIT_* variables name the worker's copies already (worker-env.cts, the preset's setupFiles).
import os = require('node:os');
import isolation = require('../isolation/index.cjs');
import published = require('./published.cjs');
import workerEnv = require('./worker-env.cjs');
// Only when a copy is to be asked for: most test files need not load it.
const testSide = () => require('../runner/test-side.cjs') as typeof import('../runner/test-side.cjs');

declare const beforeAll: (fn: () => Promise<void>, timeout?: number) => void;

// Jest gives each test file a fresh module registry and globalThis, so "already prepared in this
// worker" is kept on a Node core module, which Jest does not sandbox: one object per process.
const SLOT = Symbol.for('sandpit.isolation.prepared');
const processWide = os as unknown as { [SLOT]?: Set<string> };

const workerId = published.workerId();
const map = isolation.readMap();
if (workerId !== undefined && Object.keys(map).length > 0) {
  // Done already when the preset's setupFiles ran; not when a project lists only this file.
  workerEnv.pointAtWorkerCopies();
  const done = (processWide[SLOT] ??= new Set());
  const run = `${process.env.SANDPIT_SESSION}:${process.env.SANDPIT_RUN}`;
  // No request for a copy that exists already: the first test file runs with no wait on the main process.
  for (const name of isolation.readyFor(workerId, process.env.SANDPIT_RUN)) done.add(`${run}:${name}`);
  const todo = Object.keys(map).filter((name) => !done.has(`${run}:${name}`));
  if (todo.length > 0) {
    beforeAll(async () => {
      // Made by Jest's main process, which holds the database connections (worker 1's were made before the run).
      await Promise.all(todo.map((name) => testSide().prepareVia(process.env.SANDPIT_EXEC ?? '', name, workerId, process.env.SANDPIT_RUN ?? '')));
      for (const name of todo) done.add(`${run}:${name}`);
    }, 60_000);
  }
  published.markWorkerSetup();
}
