import http from 'node:http';
import type { ContainerInfo } from 'dockerode';

const TIMEOUT_MS = 3000;

/**
 * The two reads a warm run needs (list by labels, is it running), as plain Engine API GETs on a
 * local socket. Not docker-modem: it loads ssh2 at import (~80 ms here), which a unix socket never
 * uses. Anything beyond reads goes through the full client.
 */
export interface SocketReads {
  listContainers(filters: Record<string, string[]>): Promise<ContainerInfo[]>;
  isRunning(id: string): Promise<boolean>;
}

export function socketReads(socketPath: string): SocketReads {
  return {
    listContainers: (filters) => get<ContainerInfo[]>(socketPath, `/containers/json?filters=${encodeURIComponent(JSON.stringify(filters))}`),
    isRunning: (id) =>
      get<{ State?: { Running?: boolean } }>(socketPath, `/containers/${encodeURIComponent(id)}/json`).then(
        (info) => info.State?.Running === true,
        () => false,
      ),
  };
}

function get<T>(socketPath: string, path: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const request = http.get({ socketPath, path, timeout: TIMEOUT_MS }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', reject);
      response.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        if (response.statusCode !== 200) return reject(new Error(`engine answered ${response.statusCode} to GET ${path}: ${body.trim()}`));
        try {
          resolve(JSON.parse(body) as T);
        } catch (error) {
          reject(error);
        }
      });
    });
    request.on('timeout', () => request.destroy(new Error(`no answer within ${TIMEOUT_MS / 1000} s`)));
    request.on('error', reject);
  });
}
