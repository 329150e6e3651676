import { setTimeout as sleep } from 'node:timers/promises';
import { describe, isSandpitError } from '../errors.js';

/** Often enough that readiness is noticed within ~25 ms of the service answering. */
const INTERVAL_MS = 25;
/**
 * Quick services (redis, httpd) answer within tens of ms of their container starting: the first tries
 * come closer together, so that the wait ends within ~5 ms of the answer rather than up to 25 ms later.
 */
const EARLY_MS = 200;
const EARLY_INTERVAL_MS = 5;

export type WaitOutcome = { ok: true } | { ok: false; reason: string };

/**
 * Polls `probe` until it passes, the deadline passes, or `exited` settles (the container died:
 * waiting longer would only hide the reason). Probes are in-process and cheap: spawning a client
 * or a `docker exec` per try slows the very service being waited for on a small machine.
 * (A plain loop: p-wait-for adds an abort listener per try and warns after ten.)
 */
export async function waitFor(
  probe: () => Promise<void>,
  { timeoutMs, exited }: { timeoutMs: number; exited: Promise<string> },
): Promise<WaitOutcome> {
  let last = 'no attempt finished';
  let died: string | undefined;
  void exited.then((how) => (died = how));
  const begun = Date.now();
  const deadline = begun + timeoutMs;
  // One deadline timer for the whole wait, cleared at the end: not one per attempt left to run out.
  const timer = new AbortController();
  const late = sleep(timeoutMs, 'late' as const, { ref: false, signal: timer.signal }).catch(() => 'late' as const);
  try {
    while (died === undefined && Date.now() < deadline) {
      try {
        // An attempt that hangs must not outlive the deadline, nor miss the container dying.
        const result = await Promise.race([probe().then(() => 'ok' as const), exited, late]);
        if (result === 'ok') return { ok: true };
      } catch (error) {
        // A probe throws a SandpitError when waiting cannot help (httpd's 403 on your folder).
        if (isSandpitError(error)) throw error;
        last = describe(error);
      }
      if (died === undefined) await sleep(Date.now() - begun < EARLY_MS ? EARLY_INTERVAL_MS : INTERVAL_MS);
    }
  } finally {
    timer.abort();
  }
  return died !== undefined
    ? { ok: false, reason: `${died} (last check: ${last})` }
    : {
        ok: false,
        // A timeout set in seconds by mistake (--timeout 5) ends here too: say the unit and where to raise it.
        reason: `not ready after ${timeoutMs / 1000} s (last check: ${last}). If it is only slow, allow it longer: startupTimeout in ms (on the command line --timeout; SANDPIT_STARTUP_TIMEOUT, e.g. 90s, for every start)`,
      };
}
