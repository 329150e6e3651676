import { startOrReuse, type Warm } from '../reuse/start.js';
import type { ReuseSettings } from '../reuse/settings.js';
import type { StartOptions } from '../types.js';
import { isolationMap, prepareAll, resetAll, resettable } from './isolation.js';

/**
 * Warm reuse for a test run or `sandpit up`: takes over services an earlier run left with the same
 * configuration, or starts ones that outlive this process. Every mysql and redis gets its template
 * (fresh) or a reset (taken over), shared ones too: nothing of an earlier run may show in this one.
 * The others have no reset: startOrReuse takes them over only when an earlier run left them as they started.
 * On failure nothing new is left and the locks are released.
 */
export async function startWarm(list: StartOptions[], settings: ReuseSettings): Promise<Warm> {
  const warm = await startOrReuse(list, settings, resettable);
  try {
    const all = isolationMap(warm.services, list, Object.fromEntries(warm.services.map((s) => [s.name, 'worker' as const])));
    const pick = (reused: boolean) => Object.fromEntries(Object.entries(all).filter(([name]) => warm.reused.has(name) === reused));
    await Promise.all([prepareAll(pick(false)), resetAll(pick(true))]);
    return warm;
  } catch (error) {
    await Promise.allSettled(warm.services.map((s) => (warm.reused.has(s.name) ? undefined : s.stop())));
    await Promise.allSettled([...warm.releases.values()].map((release) => release()));
    throw error;
  }
}
