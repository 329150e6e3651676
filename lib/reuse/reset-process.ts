import isolation from '../isolation/index.cjs';
import { claim } from '../cleanup/reused.js';
import { dropResetting, markClean } from './clean-mark.js';
import { RESET_ENV, type ResetJob } from './reset-later.js';

// Runs as its own detached process (see reset-later.ts). Whatever fails here, the next run finds no
// clean mark and resets the server itself.
for (const signal of ['SIGINT', 'SIGHUP', 'SIGPIPE'] as const) process.on(signal, () => {});

// A hung server must not keep a detached process (and the locks it holds) alive for good.
setTimeout(() => process.exit(1), 60_000).unref();

async function reset(job: ResetJob): Promise<void> {
  // The run that spawned this releases the lock right after; a run that took it first keeps it.
  let held: (() => Promise<void>) | undefined;
  for (let tries = 0; !held && tries < 20; tries++) {
    held = await claim(job.token);
    if (!held) await new Promise((resolve) => setTimeout(resolve, 50));
  }
  if (!held) return;
  try {
    await isolation.resetMain(job.target);
    await isolation.prepareWorker(job.target, 1); // every run has a worker 1 (in band too)
    markClean(job.id, (await isolation.seal(job.target)) + 1);
  } finally {
    // Released before the mark goes: a run waiting on it (claimAfterReset) sees one or the other.
    await held();
  }
}

const jobs = JSON.parse(process.env[RESET_ENV] ?? '[]') as ResetJob[];
await Promise.allSettled(
  jobs.map((job) =>
    reset(job)
      .catch(() => {}) // nothing to report to: see above
      .finally(() => dropResetting(job.id)),
  ),
);
process.exit(0);
