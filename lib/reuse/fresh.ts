import { randomBytes } from 'node:crypto';
import { DETACHED, LABEL } from '../cleanup/labels.js';
import { claim } from '../cleanup/reused.js';
import { removeByLabel } from '../cleanup/remove.js';
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
  started.add(token);
  try {
    // Loaded only when something must start: a run that takes every service over never needs it (~40 modules).
    const { startOwn } = await import('../service/start.js');
    const service = await startOwn({
      ...options,
      detached: false,
      labels: {
        [LABEL.session]: DETACHED,
        [LABEL.pid]: '',
        [LABEL.reuse]: key,
        [LABEL.claim]: token,
        [LABEL.idle]: String(settings.idleMs),
        ...(settings.project ? { [LABEL.reuseProject]: settings.project } : {}),
      },
    });
    return { service, token, ...(release ? { release } : {}) };
  } catch (error) {
    await release?.().catch(() => {});
    throw error;
  }
}

/** Claims of the warm containers this process started (abandonStarts). */
const started = new Set<string>();

/**
 * Removes the containers this process started to keep warm: what `sandpit up` does at Ctrl-C before
 * its services are all ready (one may still be starting, another's template still being made). Their
 * session label says detached, so neither the session's removal nor the watchdog would find them, and
 * the reaper would keep a half-made server for its idle time. Returns how many were removed.
 */
export async function abandonStarts(): Promise<number> {
  if (started.size === 0) return 0;
  const removed = await Promise.all([...started].map((token) => removeByLabel(`${LABEL.claim}=${token}`)));
  return removed.flat().length;
}
