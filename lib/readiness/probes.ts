import net from 'node:net';
import { httpStatus } from './http.js';

// Not wait-on: importing it (axios, joi, rxjs) costs ~180 ms here, as much as a whole redis start, and its
// loop cannot be stopped when the container dies. One attempt is a fetch or a connect; waitFor() loops.

const ATTEMPT_MS = 1000;

/** Any HTTP response counts: the server answers, whatever it says about `/`. Resolves with its status. */
export function httpAnswers(url: string): Promise<number> {
  const { hostname, port, pathname, search } = new URL(url);
  return httpStatus(hostname.replace(/^\[|\]$/g, ''), Number(port || 80), `${pathname}${search}`, ATTEMPT_MS);
}

/**
 * A bare TCP connect. Note: through Docker's userland proxy this succeeds before the service
 * listens, so presets never use it; it is offered for custom images that have nothing better.
 */
export function tcpAccepts(host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port, timeout: ATTEMPT_MS });
    socket.once('connect', () => (socket.destroy(), resolve()));
    socket.once('timeout', () => (socket.destroy(), reject(new Error(`tcp ${host}:${port}: timeout`))));
    socket.once('error', (error) => (socket.destroy(), reject(error)));
  });
}

export { ATTEMPT_MS };
