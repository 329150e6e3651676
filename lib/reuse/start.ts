import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { DETACHED, LABEL } from '../cleanup/labels.js';
import { claim } from '../cleanup/reused.js';
import { removeContainer } from '../cleanup/remove.js';
import { assertDistinctNames } from '../service/names.js';
import { StartedService } from '../service/handle.js';
import { describeContainer } from '../service/list.js';
import type { Service, StartOptions } from '../types.js';
import { reuseKey } from './key.js';
import { warmReads } from './reads.js';
import { ensureReaper } from './reaper.js';
import type { ReuseSettings } from './settings.js';

export interface Warm {
  services: Service[];
  /** Names of the services taken over from an earlier run (the rest were started now). */
  reused: Set<string>;
  /** By name: lets other runs take it (and the reaper count its idle time); leaves it running. */
  releases: Map<string, () => Promise<void>>;
}

/**
 * Starts services that outlive this run, or takes over running ones an earlier run left with the same
 * configuration. Each is held under a machine-wide lock while this run uses it: a second run at the
 * same time never shares one; it starts its own instead of waiting (a test run should not queue
 * behind another). Taken-over services are returned as they are: resetting them is the caller's.
 */
export async function startOrReuse(list: StartOptions[], settings: ReuseSettings): Promise<Warm> {
  assertDistinctNames(list);
  ensureReaper(); // first: a run killed while starting leaves containers the reaper must find
  const [keys, engine] = await Promise.all([
    Promise.all(list.map(reuseKey)),
    warmReads({ label: [LABEL.managed, LABEL.reuse, `${LABEL.host}=${os.hostname()}`], status: ['running'] }),
  ]);
  const running = engine.found;
  const releases = new Map<string, () => Promise<void>>();
  const reused = new Set<string>();

  const one = async (options: StartOptions, key: string): Promise<Service> => {
    for (const c of running.filter((r) => r.Labels[LABEL.reuse] === key)) {
      const free = await claim(c.Labels[LABEL.claim] ?? c.Id);
      if (!free) continue; // another run has it now
      // The reaper may have claimed, removed and released it since the list above: take only what still runs.
      const alive = await engine.isRunning(c.Id);
      if (!alive) {
        await free().catch(() => {});
        continue;
      }
      releases.set(options.name ?? '', free);
      reused.add(options.name ?? '');
      return new StartedService(describeContainer(c, engine.reach));
    }
    // Locked before the container exists: the reaper never counts a starting container as idle.
    const token = randomBytes(8).toString('hex');
    const mine = await claim(token);
    if (mine) releases.set(options.name ?? '', mine);
    // Loaded only when something must start: a run that takes every service over never needs it (~40 modules).
    const { start } = await import('../service/start.js');
    return start({
      ...options,
      detached: false,
      labels: { [LABEL.session]: DETACHED, [LABEL.pid]: '', [LABEL.reuse]: key, [LABEL.claim]: token, [LABEL.idle]: String(settings.idleMs) },
    });
  };

  const results = await Promise.allSettled(list.map((options, i) => one(options, keys[i]!)));
  const services = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) {
    // Like startAll: a half-started group leaves nothing new behind; taken-over ones stay warm.
    await Promise.allSettled(services.filter((s) => !reused.has(s.name)).map((s) => removeContainer(s.containerId)));
    await Promise.allSettled([...releases.values()].map((r) => r()));
    throw failed.reason;
  }
  return { services, reused, releases };
}
