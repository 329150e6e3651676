import isolation from '../isolation/index.cjs';
import { alive } from '../cleanup/alive.js';
import { claim } from '../cleanup/reused.js';
import { dropResetting, markClean } from './clean-mark.js';
import { RESET_ENV, isCheck, type CheckJob, type ResetJob, type ResetOrder } from './reset-later.js';
import { idReads, startedAt } from './reads.js';
import { refreshLater } from './refresh.js';
import { untouched } from './untouched.js';

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

/** A warm httpd or ubuntu: replaced by a refresher if the run changed it (see CheckJob). */
async function check(job: CheckJob): Promise<void> {
  // The run lets it go right after it spawned this process; a run holding it once that one has ended
  // took it over, and judges it itself.
  let held = await claim(job.token);
  for (const until = Date.now() + 2000; !held && alive(order.parent) && Date.now() < until; held = await claim(job.token)) await pause(25);
  if (!held) return;
  let changed = false;
  try {
    const reads = await idReads();
    const [started, clean] = await Promise.all([reads.started(job.id), untouched(reads, job.seen)]);
    changed = started !== undefined && !clean;
  } finally {
    await held();
  }
  // After the release: the refresher takes the lock itself before it removes anything.
  if (changed) refreshLater(job.refresh);
}

const order = JSON.parse(process.env[RESET_ENV] ?? '{"parent":0,"jobs":[]}') as ResetOrder;
const forget = () => order.jobs.forEach((job) => dropResetting(job.id));

// A hung server (or a run that does not end) must not keep a detached process and its locks for good.
setTimeout(() => (forget(), process.exit(1)), 60_000).unref();
try {
  // Looks need not wait for the run to end (they change nothing the run could still use), and a run
  // waiting for the container need not wait for the resets either: each drops its note when done.
  const looked = order.jobs.filter(isCheck).map((job) => check(job).finally(() => dropResetting(job.id)));
  const resets = order.jobs.filter((job): job is ResetJob => !isCheck(job));
  while (resets.length > 0 && order.parent > 0 && alive(order.parent)) await pause(10);
  // Nothing to report to: see above.
  await Promise.allSettled([...looked, ...resets.map((job) => reset(job).catch(() => {}))]);
} finally {
  forget();
}
process.exit(0);
