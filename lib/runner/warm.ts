import { startOrReuse, type Warm } from '../reuse/start.js';
import type { ReuseSettings } from '../reuse/settings.js';
import type { StartOptions } from '../types.js';
import { isolationMap, prepareAll, resetAll, warmup } from './isolation.js';

export interface WarmStart extends Warm {
  /**
   * By name, the resets left running (see `later`): each settles once its server is back to the
   * seed, or rejects with the reset's error, which whoever waits on it reports (a worker's prepare).
   */
  resetting: Map<string, Promise<void>>;
}

/**
 * Warm reuse for a test run or `sandpit up`: takes over services an earlier run left with the same
 * configuration, or starts ones that outlive this process. Every mysql and redis gets its template
 * (fresh) or a reset (taken over), shared ones too: nothing of an earlier run may show in this one.
 * The reset of a service named by `later` is not waited for here: a test run gates its workers'
 * copies on `resetting` instead (the copies come from what the reset restores), so the reset runs
 * while the runner starts its workers. On failure nothing new is left and the locks are released.
 */
export async function startWarm(list: StartOptions[], settings: ReuseSettings, later: (name: string) => boolean = () => false): Promise<WarmStart> {
  const everyOne = Object.fromEntries(list.map((o) => [o.name ?? '', 'worker' as const]));
  warmup(list, everyOne); // the reset or template needs mysql2: loaded while the engine answers
  const warm = await startOrReuse(list, settings);
  try {
    const all = isolationMap(warm.services, list, everyOne);
    const pick = (keep: (name: string) => boolean) => Object.fromEntries(Object.entries(all).filter(([name]) => keep(name)));
    const reused = (name: string) => warm.reused.has(name);
    const resetting = new Map(Object.entries(pick((name) => reused(name) && later(name))).map(([name, one]) => [name, resetAll({ [name]: one })]));
    for (const reset of resetting.values()) reset.catch(() => {}); // reported by whoever waits on it; never unhandled
    await Promise.all([prepareAll(pick((name) => !reused(name))), resetAll(pick((name) => reused(name) && !later(name)))]);
    return { ...warm, resetting };
  } catch (error) {
    await Promise.allSettled(warm.services.map((s) => (warm.reused.has(s.name) ? undefined : s.stop())));
    await Promise.allSettled([...warm.releases.values()].map((release) => release()));
    throw error;
  }
}
