import http from 'node:http';

/** What one place an engine may be answered to `GET /_ping`. */
export interface Ping {
  answers: boolean;
  /** "answers", "answered HTTP 404", "ECONNREFUSED", "not present"… */
  detail: string;
}

/**
 * Asks `uri` (unix://, tcp:// without TLS, http://) whether a Docker engine answers there. Others (ssh://,
 * TLS) are not probed: only the connection itself can tell.
 */
export function ping(uri: string, timeoutMs: number): Promise<Ping> {
  const url = new URL(uri);
  if (url.protocol !== 'unix:' && url.protocol !== 'tcp:' && url.protocol !== 'http:') return Promise.resolve({ answers: false, detail: 'not probed (only the connection itself can tell)' });
  if (url.protocol === 'tcp:' && process.env.DOCKER_TLS_VERIFY) return Promise.resolve({ answers: false, detail: 'not probed (TLS)' });
  const target = url.protocol === 'unix:' ? { socketPath: url.pathname } : { host: url.hostname, port: Number(url.port || 2375) };
  return new Promise((resolve) => {
    const request = http.get({ ...target, path: '/_ping', timeout: timeoutMs }, (response) => {
      response.resume();
      resolve(response.statusCode === 200 ? { answers: true, detail: 'answers' } : { answers: false, detail: `answered HTTP ${response.statusCode}` });
    });
    request.on('timeout', () => request.destroy(new Error(`no answer within ${timeoutMs / 1000} s`)));
    request.on('error', (error: NodeJS.ErrnoException) => resolve({ answers: false, detail: error.code ?? error.message }));
  });
}
