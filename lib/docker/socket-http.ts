import http from 'node:http';

/** An engine's answer other than 2xx, shaped as docker-modem's errors are: callers read `statusCode`. */
export class EngineAnswer extends Error {
  constructor(
    readonly statusCode: number,
    readonly json: { message?: string } | undefined,
    what: string,
  ) {
    super(`(HTTP code ${statusCode}) ${json?.message ?? what}`);
    this.name = 'EngineAnswer';
  }
}

export interface SocketRequest {
  method?: 'GET' | 'POST' | 'DELETE';
  /** Sent as JSON. */
  body?: unknown;
  /** No answer by then fails the call; undefined waits as long as the engine takes (a container's wait). */
  timeoutMs?: number;
  signal?: AbortSignal;
}

/**
 * One Engine API call on a local socket: Node's own http, nothing loaded beside it. Resolves with the
 * answer (as text, and as bytes for a binary one) and headers on 2xx; otherwise rejects with an EngineAnswer carrying the engine's message.
 */
export function socketCall(socketPath: string, path: string, { method = 'GET', body, timeoutMs, signal }: SocketRequest = {}): Promise<{ body: string; raw: Buffer; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const request = http.request(
      {
        socketPath,
        path,
        method,
        // Always set: a kept-alive socket keeps the time-out of the call it served before (a 1 s ping's
        // would end a container's wait), and 0 is what takes it off.
        timeout: timeoutMs ?? 0,
        ...(signal ? { signal } : {}),
        headers: payload === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () => {
          const raw = Buffer.concat(chunks);
          const text = raw.toString('utf8');
          const status = response.statusCode ?? 0;
          if (status >= 200 && status < 300) return resolve({ body: text, raw, headers: response.headers });
          reject(new EngineAnswer(status, parsed(text), `${method} ${path.split('?')[0]}: ${text.trim()}`));
        });
      },
    );
    request.on('timeout', () => request.destroy(new Error(`no answer within ${(timeoutMs ?? 0) / 1000} s`)));
    request.on('error', reject);
    request.end(payload);
  });
}

function parsed(text: string): { message?: string } | undefined {
  try {
    return JSON.parse(text) as { message?: string };
  } catch {
    return undefined;
  }
}
