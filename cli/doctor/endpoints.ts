import http from 'node:http';
import type { Endpoint } from '../../lib/docker/endpoints.js';

export interface Probe extends Endpoint {
  answers: boolean;
  detail: string;
}

const PING_MS = 1500;

/**
 * Asks each place an engine may be whether one answers there, so doctor can say which work
 * (e.g. "DOCKER_HOST is wrong, but the default socket answers") rather than only that one failed.
 */
export function probeEndpoints(endpoints: Endpoint[]): Promise<Probe[]> {
  return Promise.all(endpoints.map(async (e) => ({ ...e, ...(await ping(e)) })));
}

async function ping(e: Endpoint): Promise<{ answers: boolean; detail: string }> {
  if (!e.exists) return { answers: false, detail: 'not present' };
  const url = new URL(e.uri);
  if (url.protocol !== 'unix:' && url.protocol !== 'tcp:' && url.protocol !== 'http:') return { answers: false, detail: 'not probed (only the connection itself can tell)' };
  if (url.protocol === 'tcp:' && process.env.DOCKER_TLS_VERIFY) return { answers: false, detail: 'not probed (TLS)' };
  const target = url.protocol === 'unix:' ? { socketPath: url.pathname } : { host: url.hostname, port: Number(url.port || 2375) };
  return new Promise((resolve) => {
    const request = http.get({ ...target, path: '/_ping', timeout: PING_MS }, (response) => {
      response.resume();
      resolve(response.statusCode === 200 ? { answers: true, detail: 'answers' } : { answers: false, detail: `answered HTTP ${response.statusCode}` });
    });
    request.on('timeout', () => request.destroy(new Error(`no answer within ${PING_MS / 1000} s`)));
    request.on('error', (error: NodeJS.ErrnoException) => resolve({ answers: false, detail: error.code ?? error.message }));
  });
}
