// setupFiles of the preset: runs in each test file's sandbox before the project's own setupFiles, which Jest puts
// after a preset's. It points the file's SANDPIT_* variables at the worker's own copies. In setupFilesAfterEnv
// alone, a project's setupFiles (`process.env.DATABASE_URL = process.env.SANDPIT_DB_URL`, a team's old names) read
// the shared database's, and its tests wrote there, where reset() never looks.
import isolation = require('../isolation/index.cjs');
import published = require('./published.cjs');

const POINTED = Symbol.for('sandpit.jest.pointed');
const sandbox = globalThis as { [POINTED]?: true };

/**
 * Once per test file (its sandbox; Jest gives each its own process.env): worker-setup calls it again, after the
 * project's setupFiles, which may have pointed a SANDPIT_* variable elsewhere on purpose; that is kept.
 */
function pointAtWorkerCopies(): void {
  if (sandbox[POINTED]) return;
  sandbox[POINTED] = true;
  const workerId = published.workerId();
  if (workerId === undefined) return;
  for (const [name, isolated] of Object.entries(isolation.readMap())) {
    const prefix = published.prefixOf(name);
    const url = process.env[`${prefix}_URL`] ?? '';
    const database = process.env[`${prefix}_DATABASE`];
    const view = isolation.workerView(isolated, { url, ...(database === undefined ? {} : { database }) }, workerId);
    process.env[`${prefix}_URL`] = view.url;
    if (view.database !== undefined) process.env[`${prefix}_DATABASE`] = view.database;
  }
}

pointAtWorkerCopies();

export = { pointAtWorkerCopies };
