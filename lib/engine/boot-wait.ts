import { SandpitError } from '../errors.js';
import { underCI } from '../environment/ci.js';
import { durationMs } from '../environment/duration.js';

/** Under CI, a named engine that refuses is waited for this long: a docker:dind service still starting. */
const CI_WAIT_MS = 30_000;

/**
 * How long a named engine (DOCKER_HOST, a context) that is not up yet is waited for: SANDPIT_ENGINE_WAIT,
 * else 30 s under CI and none elsewhere. A CI job's docker:dind service may still be starting (or writing
 * the client certificates) when the job's first test connects; jobs slept 10 s or looped on `docker info`
 * before their tests. At a desk, a wrong address is said at once.
 */
export function engineWaitMs(env: NodeJS.ProcessEnv = process.env): number {
  const given = env.SANDPIT_ENGINE_WAIT?.trim();
  if (!given) return underCI(env) ? CI_WAIT_MS : 0;
  const ms = durationMs(given, 's');
  if (ms === undefined) {
    throw new SandpitError('INVALID_OPTION', `Invalid SANDPIT_ENGINE_WAIT "${given}": give how long to wait for the engine to start, such as 60 or 60s (0: not at all), or unset it.`);
  }
  return ms;
}

/**
 * Whether what a tcp:// engine's address said is what a starting docker:dind says: its port refuses (dockerd is
 * not listening yet), or TLS is on and it has not written the client's files yet. Not a missing unix socket: on a
 * CI runner with no Docker at all, that is said at once.
 */
export function stillStarting(uri: string, detail: string): boolean {
  return uri.startsWith('tcp://') && /\bECONNREFUSED\b(?!; port 2376 listens)|^TLS is on \(DOCKER_TLS_VERIFY\) but .* (is|are) not in /.test(detail);
}
