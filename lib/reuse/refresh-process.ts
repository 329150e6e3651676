import { removeContainer } from '../cleanup/remove.js';
import { startFresh } from './fresh.js';
import { REFRESH_ENV, type RefreshJob } from './refresh.js';

// Runs as its own detached process (see refresh.ts). Whatever fails here, a later run starts the
// service itself; the reaper removes what is left idle.
for (const signal of ['SIGINT', 'SIGHUP', 'SIGPIPE'] as const) process.on(signal, () => {});

try {
  const job = JSON.parse(process.env[REFRESH_ENV] ?? '') as RefreshJob;
  await removeContainer(job.dirty).catch(() => {});
  const { release } = await startFresh(job.options, job.key, { idleMs: job.idleMs });
  await release?.();
} catch {
  // Nothing to report to: see above.
}
process.exit(0);
