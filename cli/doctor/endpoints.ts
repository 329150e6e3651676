import type { Endpoint } from '../../lib/docker/endpoints.js';
import { ping, type Ping } from '../../lib/docker/ping.js';

export interface Probe extends Endpoint, Ping {}

const PING_MS = 1500;

/**
 * Asks each place an engine may be whether one answers there, so doctor can say which work
 * (e.g. "DOCKER_HOST is wrong, but the default socket answers") rather than only that one failed.
 */
export function probeEndpoints(endpoints: Endpoint[]): Promise<Probe[]> {
  return Promise.all(endpoints.map(async (e) => ({ ...e, ...(e.exists ? await ping(e.uri, PING_MS) : { answers: false, detail: 'not present' }) })));
}
