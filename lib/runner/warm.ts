import { debuglog } from 'node:util';
import type { IsolationMap } from '../isolation/types.js';
import { stillClean } from '../reuse/clean-mark.js';
import { removeReused } from '../cleanup/reused.js';
import { resetLater } from '../reuse/reset-later.js';
import { startOrReuse, type Warm } from '../reuse/start.js';
import type { ReuseSettings } from '../reuse/settings.js';
import type { MysqlService, StartOptions } from '../types.js';
import { firstLogins } from '../readiness/mysql-login.js';
import type { Isolation } from '../config/index.js';
import { isolationMap, lostTemplate, newConnectionId, prepareAll, resetAll, resettable } from './isolation.js';

/**
 * Warm reuse for a test run or `sandpit up`: takes over services an earlier run left with the same
 * configuration, or starts ones that outlive this process. Every mysql and redis gets its template
 * (fresh) or a reset (taken over), shared ones too: nothing of an earlier run may show in this one.
 * A mysql or redis is reset when a run hands it back (reset-later.ts); the next run checks that nothing
 * touched it since and skips the reset (`pristine`: its worker 1's copy is the seed too).
 * The others have no reset: startOrReuse takes them over only when an earlier run left them as they started.
 * On failure nothing new is left and the locks are released.
 */
export async function startWarm(
  list: StartOptions[],
  settings: ReuseSettings,
  modes: Record<string, Isolation> = {},
  again = true,
): Promise<Warm & { pristine: Set<string>; copied: Set<string> }> {
  const warm = await startOrReuse(list, settings, resettable);
  let failures: unknown[];
  try {
    const all = isolationMap(warm.services, list, Object.fromEntries(warm.services.map((s) => [s.name, 'worker' as const])));
    const { pristine, copied } = await cleanOnes(all, warm);
    const pick = (reused: boolean) =>
      Object.fromEntries(Object.entries(all).filter(([name]) => warm.reused.has(name) === reused && !pristine.has(name)));
    // Each reset on its own, and all settled before any failure is acted on: a retry (below) must not take a
    // server whose reset is still running, and every server that lost its seed is known at once.
    const resets = Object.entries(pick(true)).map(([name, target]) => resetAll({ [name]: target }));
    const settled = await Promise.allSettled([prepareAll(pick(false)), ...resets, loginAgain(warm, pristine)]);
    failures = settled.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
    if (failures.length === 0) {
      resetAtHandBack(all, warm, modes);
      return { ...warm, pristine, copied };
    }
  } catch (error) {
    failures = [error];
  }
  // A taken-over redis whose template a test emptied (FLUSHDB there) holds its seed nowhere: removed while
  // this run still holds it, and the run starts again, which starts it anew. Once: a second time is a bug.
  const seedless = again ? warm.services.filter((s) => warm.reused.has(s.name) && failures.some((f) => lostTemplate(f, s.name))) : [];
  await Promise.allSettled(seedless.map((s) => removeReused(s.containerId)));
  await Promise.allSettled(warm.services.map((s) => (warm.reused.has(s.name) ? undefined : s.stop())));
  await Promise.allSettled([...warm.releases.values()].map((release) => release()));
  if (seedless.length > 0) return startWarm(list, settings, modes, false);
  throw failures[0];
}

/**
 * A taken-over mysql that is not as its resetter left it may have restarted since, which empties its
 * password cache: its accounts log in once over TLS again, as at its start (lib/readiness/mysql-login.ts),
 * so the run's first plain-TCP client does not need the server's RSA key. Beside the reset, ~10 ms.
 */
async function loginAgain(warm: Warm, pristine: Set<string>): Promise<void> {
  const again = warm.services.filter((s): s is MysqlService => s.preset === 'mysql' && warm.reused.has(s.name) && !pristine.has(s.name));
  await Promise.all(again.map((db) => firstLogins(db.host, db.port, [[db.user, db.password], ['root', db.rootPassword]])));
}

// NODE_DEBUG=sandpit says, per warm mysql or redis, whether its reset at hand-back stood (why a run was slower).
const debug = debuglog('sandpit');

/** The taken-over servers their resetter left clean and nothing touched since (clean-mark.ts), and those of them whose worker 1 copy it made. */
async function cleanOnes(all: IsolationMap, warm: Warm): Promise<{ pristine: Set<string>; copied: Set<string> }> {
  const clean = await Promise.all(
    Object.entries(all)
      .filter(([name]) => warm.reused.has(name))
      .map(async ([name, target]) => {
        const id = warm.services.find((s) => s.name === name)?.containerId;
        const clean = id === undefined ? undefined : await stillClean(id, warm.startedAt.get(name), () => newConnectionId(target));
        debug(clean ? '%s: as its reset at hand-back left it, taken as is' : '%s: no reset at hand-back stands (none done, or touched since): reset now', name);
        return clean ? [{ name, ...clean }] : [];
      }),
  );
  return { pristine: new Set(clean.flat().map((c) => c.name)), copied: new Set(clean.flat().filter((c) => c.worker1).map((c) => c.name)) };
}

/** Each mysql's and redis' release first spawns its resetter, which takes the lock once this run lets it go. */
function resetAtHandBack(all: IsolationMap, warm: Warm, modes: Record<string, Isolation>): void {
  for (const [name, target] of Object.entries(all)) {
    const release = warm.releases.get(name);
    const token = warm.tokens.get(name);
    const id = warm.services.find((s) => s.name === name)?.containerId;
    if (!release || token === undefined || id === undefined) continue;
    warm.releases.set(name, async () => {
      // Worker 1's copy only where workers have copies: a shared redis' database 1 is the app's own.
      resetLater({ id, token, target, worker1: modes[name] === 'worker' });
      await release();
    });
  }
}
