import lockfile from 'proper-lockfile';
import { docker } from '../docker/client.js';
import { LABEL, machine } from '../cleanup/labels.js';
import { held, removeIdleReused, sweepOrphanNotes } from '../cleanup/reused.js';
import { sweepExecFolders } from '../cleanup/exec-folders.js';
import { DEFAULT_IDLE_MS } from './settings.js';
import { REAPER_LOCK, REAPER_STALE_MS } from './reaper.js';

// Runs as its own detached process (see reaper.ts): removes warm containers nobody has held for
// their idle time. Idle time counts from when it last saw a run hold the container.
for (const signal of ['SIGINT', 'SIGHUP', 'SIGPIPE'] as const) process.on(signal, () => {});

/** How long it waits with nothing to watch before it exits (a run may still be creating one). */
const EMPTY_GRACE_MS = 2 * 60_000;
const MAX_POLL_MS = 5000;

let release: () => Promise<void>;
try {
  release = await lockfile.lock(REAPER_LOCK, { stale: REAPER_STALE_MS, realpath: false, onCompromised: () => process.exit(0) });
} catch {
  process.exit(0); // another reaper runs
}

const client = await docker();
const idleSince = new Map<string, number>();
let emptySince = Date.now();
let swept = 0;
for (;;) {
  let wait = MAX_POLL_MS;
  try {
    const now = Date.now();
    const warm = await client.container.dockerode.listContainers({
      all: true,
      filters: { label: [LABEL.managed, LABEL.reuse, `${LABEL.host}=${machine}`] },
    });
    if (warm.length === 0 && now - emptySince > EMPTY_GRACE_MS) {
      sweepOrphanNotes(warm); // a last time: a note orphaned near the end is old enough by now
      break;
    }
    if (warm.length > 0) emptySince = now;
    for (const c of warm) {
      const idle = Number(c.Labels[LABEL.idle]) || DEFAULT_IDLE_MS;
      wait = Math.min(wait, Math.max(250, idle / 4));
      if (await held(c.Labels[LABEL.claim] ?? c.Id)) {
        idleSince.delete(c.Id);
        continue;
      }
      const since = idleSince.get(c.Id) ?? now;
      idleSince.set(c.Id, since);
      // A stopped one (the engine restarted) is no use to any run.
      if (c.State !== 'running' || now - since >= idle) await removeIdleReused([c]);
    }
    // Once a minute: the notes of warm containers that went by other means (ORPHAN_MS in sweepOrphanNotes).
    if (now - swept >= 60_000) {
      sweepOrphanNotes(warm);
      // And the exec folder of a warm run killed outright: it had no watchdog (lib/cleanup/exec-folders.ts).
      await sweepExecFolders().catch(() => {});
      swept = now;
    }
  } catch {
    // The engine is away for a moment: try again next round.
  }
  await new Promise((resolve) => setTimeout(resolve, wait));
}
await release().catch(() => {});
process.exit(0);
