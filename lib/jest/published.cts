// What the global setup published, as the test side reads it (CommonJS: it runs in Jest's sandbox).
import isolation = require('../isolation/index.cjs');

/** Name → variable prefix, as published by the global setup. */
function prefixes(): Record<string, string> {
  const json = process.env.SANDPIT_SERVICES;
  if (json === undefined) {
    // Outside Jest (a plain script, another runner): Jest's set-up is not what is missing.
    if (process.env.JEST_WORKER_ID === undefined) {
      throw new Error(
        "sandpit: service(), exec() and reset() of 'sandpit-services/jest' work in Jest test files, with the preset. Elsewhere, start services with start() from 'sandpit-services' (or 'sandpit-services/vitest' in Vitest).",
      );
    }
    // A config with the preset and a globalSetup of its own is the likely case: Jest keeps only the config's.
    throw new Error(
      "sandpit: no services in this Jest run: sandpit's globalSetup did not run. Use preset: 'sandpit-services' in your Jest config; if the config sets a globalSetup of its own, that one replaces the preset's: call sandpit's from it (README: \"Already have a globalSetup?\").",
    );
  }
  return JSON.parse(json) as Record<string, string>;
}

function prefixOf(name: string): string {
  const all = prefixes();
  const prefix = Object.hasOwn(all, name) ? all[name] : undefined;
  if (prefix === undefined) {
    const names = Object.keys(all);
    throw new Error(`sandpit: no service named "${name}" in this Jest run. ${names.length ? `Services: ${names.join(', ')}.` : 'The config has none.'}`);
  }
  return prefix;
}

/** This worker's id; `--runInBand` runs in the main process, which Jest gives id 1. */
const workerId = (): number | undefined => isolation.workerIdFrom(process.env.JEST_WORKER_ID);

// Set by worker-setup in this test file's sandbox; without it a worker's mysql copy may not exist.
const MARK = Symbol.for('sandpit.worker-setup');
const marks = globalThis as { [MARK]?: boolean };
const markWorkerSetup = (): void => {
  marks[MARK] = true;
};
const workerSetupRan = (): boolean => marks[MARK] === true;

export = { prefixOf, workerId, markWorkerSetup, workerSetupRan };
