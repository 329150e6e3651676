import isolation from '../isolation/index.cjs';
import { alive } from '../cleanup/alive.js';
import { claim } from '../cleanup/reused.js';
import { dropResetting, markClean } from './clean-mark.js';
import { startedAt } from './reads.js';
import { RESET_ENV, type ResetJob, type ResetOrder } from './reset-later.js';

// Runs as its own detached process (see reset-later.ts). Whatever fails here, the next run finds no
// clean mark and resets the server itself.
for (const signal of ['SIGINT', 'SIGHUP', 'SIGPIPE'] as const) process.on(signal, () => {});

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function reset(job: ResetJob): Promise<void> {
  // The run released the lock before it ended; a run that took it since keeps it.
  const held = await claim(job.token);
  if (!held) return;
  try {
    const last = await isolation.sealedReset(job.target, job.worker1);
    // After the reset: a restart from here on changes it, and the next run sees that.
    const started = await startedAt(job.id);
    if (started !== undefined) markClean(job.id, last + 1, started, job.worker1);
  } finally {
    // Released before the mark goes: a run waiting on it (claimAfterReset) sees one or the other.
    await held();
  }
}

const order = JSON.parse(process.env[RESET_ENV] ?? '{"parent":0,"jobs":[]}') as ResetOrder;
const forget = () => order.jobs.forEach((job) => dropResetting(job.id));

// A hung server (or a run that does not end) must not keep a detached process and its locks for good.
setTimeout(() => (forget(), process.exit(1)), 60_000).unref();
try {
  while (order.parent > 0 && alive(order.parent)) await pause(10);
  await Promise.allSettled(order.jobs.map((job) => reset(job).catch(() => {}))); // nothing to report to: see above
} finally {
  forget();
}
process.exit(0);
