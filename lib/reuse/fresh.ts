import { randomBytes } from 'node:crypto';
import { DETACHED, LABEL } from '../cleanup/labels.js';
import { claim } from '../cleanup/reused.js';
import type { Service, StartOptions } from '../types.js';
import type { ReuseSettings } from './settings.js';

/**
 * Starts a service that outlives this process, labelled for warm reuse under `key` and held by a new
 * claim (released by the caller; on failure here). The claim is taken before the container exists:
 * the reaper never counts a starting container as idle.
 */
export async function startFresh(options: StartOptions, key: string, settings: ReuseSettings): Promise<{ service: Service; token: string; release?: () => Promise<void> }> {
  const token = randomBytes(8).toString('hex');
  const release = await claim(token);
  try {
    // Loaded only when something must start: a run that takes every service over never needs it (~40 modules).
    const { start } = await import('../service/start.js');
    const service = await start({
      ...options,
      detached: false,
      labels: { [LABEL.session]: DETACHED, [LABEL.pid]: '', [LABEL.reuse]: key, [LABEL.claim]: token, [LABEL.idle]: String(settings.idleMs) },
    });
    return { service, token, ...(release ? { release } : {}) };
  } catch (error) {
    await release?.().catch(() => {});
    throw error;
  }
}
