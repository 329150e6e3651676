import http from 'node:http';
import type { ContainerInfo } from 'dockerode';

const TIMEOUT_MS = 3000;

/** One event of the engine's recent history (GET /events). `Action` is e.g. `start`, `exec_create: sh -c …`. */
export interface EngineEvent {
  Type?: string;
  Action?: string;
  status?: string;
  id?: string;
  time?: number;
}

/**
 * The reads a warm run needs (list by labels, is it running, what happened to a container since it
 * started), as plain Engine API GETs on a local socket. Not docker-modem: it loads ssh2 at import
 * (~80 ms here), which a unix socket never uses. Anything beyond reads goes through the full client.
 */
export interface SocketReads {
  listContainers(filters: Record<string, string[]>): Promise<ContainerInfo[]>;
  isRunning(id: string): Promise<boolean>;
  /** The events the engine still holds from `since` (unix seconds) until now. */
  events(filters: Record<string, string[]>, since: number): Promise<EngineEvent[]>;
}

export function socketReads(socketPath: string): SocketReads {
  return {
    listContainers: (filters) => get<ContainerInfo[]>(socketPath, `/containers/json?filters=${encodeURIComponent(JSON.stringify(filters))}`),
    isRunning: (id) =>
      get<{ State?: { Running?: boolean } }>(socketPath, `/containers/${encodeURIComponent(id)}/json`).then(
        (info) => info.State?.Running === true,
        () => false,
      ),
    // `until` now ends the answer once the engine has sent what it holds (without it, the stream stays
    // open for new events). A local socket shares this machine's clock.
    events: (filters, since) =>
      getText(socketPath, `/events?since=${since}&until=${Date.now() / 1000}&filters=${encodeURIComponent(JSON.stringify(filters))}`).then(eventLines),
  };
}

/** The events answer: one JSON object per line. */
export const eventLines = (text: string): EngineEvent[] =>
  text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as EngineEvent);

const get = <T>(socketPath: string, path: string): Promise<T> => getText(socketPath, path).then((body) => JSON.parse(body) as T);

function getText(socketPath: string, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const request = http.get({ socketPath, path, timeout: TIMEOUT_MS }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', reject);
      response.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        if (response.statusCode !== 200) return reject(new Error(`engine answered ${response.statusCode} to GET ${path}: ${body.trim()}`));
        resolve(body);
      });
    });
    request.on('timeout', () => request.destroy(new Error(`no answer within ${TIMEOUT_MS / 1000} s`)));
    request.on('error', reject);
  });
}
