import { claim } from '../cleanup/reused.js';
import { removeContainer } from '../cleanup/remove.js';
import { docker } from '../docker/client.js';
import { ensureReaper } from './reaper.js';
import { startFresh } from './fresh.js';
import { REFRESH_ENV, type RefreshJob } from './refresh.js';
import { dropRefreshing, markRefreshing } from './refreshing.js';

// Runs as its own detached process (see refresh.ts). Whatever fails here, a later run starts the
// service itself; the reaper removes what is left idle.
for (const signal of ['SIGINT', 'SIGHUP', 'SIGPIPE'] as const) process.on(signal, () => {});

// A hung engine must not keep a detached process (and the locks it holds) alive for good.
setTimeout(() => process.exit(1), 120_000).unref();

try {
  const job = JSON.parse(process.env[REFRESH_ENV] ?? '') as RefreshJob;
  ensureReaper(); // removes what this process leaves if it dies while starting
  // The changed container's lock, as any run takes it: a run that holds it now (it judged the container
  // otherwise, or replaces it itself) keeps it, and there is nothing to do here.
  let held: (() => Promise<void>) | undefined;
  for (let tries = 0; !held && tries < 20; tries++) {
    held = await claim(job.token);
    if (!held) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  if (held) {
    try {
      // Before the look below: `sandpit down` then either sees this note or finds the container gone.
      markRefreshing(job.dirty, job.options.name ?? '', job.key);
      // Gone already (the next run, `sandpit down`, the reaper): no replacement either.
      if ((await inspectRunning(job.dirty)) !== undefined) {
        await removeContainer(job.dirty);
        const { release } = await startFresh(job.options, job.key, job.settings);
        await release?.();
      }
    } finally {
      dropRefreshing(job.dirty);
      await held();
    }
  }
} catch {
  // Nothing to report to: see above.
}
process.exit(0);

async function inspectRunning(id: string): Promise<boolean | undefined> {
  const client = await docker();
  return client.container.dockerode
    .getContainer(id)
    .inspect()
    .then((info) => info.State.Running, () => undefined);
}
