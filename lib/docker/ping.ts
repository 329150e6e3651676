import http from 'node:http';
import net from 'node:net';
import { tlsOn } from '../engine/select.js';
import { hostOf, pingTls, type Ping } from './ping-tls.js';

export type { Ping };

/** The client's files for a TLS engine, as DOCKER_CERT_PATH names them. */
const TLS_FILES = 'ca.pem, cert.pem and key.pem';
/** docker:dind's default since 19.03: TLS on 2376, the client's certificates in /certs/client. */
const TLS_WANTED = `set DOCKER_TLS_VERIFY=1 and DOCKER_CERT_PATH to the folder of the engine's client ${TLS_FILES} (docker:dind writes them to /certs/client: share that volume with the job)`;

/**
 * Asks `uri` (unix://, tcp:// with or without TLS, http://) whether a Docker engine answers there. ssh:// is not
 * probed: only the connection itself can tell.
 */
export async function ping(uri: string, timeoutMs: number): Promise<Ping> {
  const url = new URL(uri);
  if (url.protocol !== 'unix:' && url.protocol !== 'tcp:' && url.protocol !== 'http:') return { answers: false, detail: 'not probed (only the connection itself can tell)' };
  if (url.protocol === 'tcp:' && tlsOn()) return pingTls(url, timeoutMs);
  const port = Number(url.port || 2375);
  const target = url.protocol === 'unix:' ? { socketPath: url.pathname } : { host: hostOf(url), port };
  const found = await plain(target, timeoutMs);
  // Refused where docker:dind's plain port would be: its TLS port may be the one that listens (its default).
  if (url.protocol === 'tcp:' && port === 2375 && found.detail === 'ECONNREFUSED' && (await listens(hostOf(url), 2376, timeoutMs))) {
    return { ...found, detail: 'ECONNREFUSED; port 2376 listens (TLS, docker:dind\'s default)', fix: `use that port: DOCKER_HOST=tcp://${url.hostname}:2376, and ${TLS_WANTED}; or run docker:dind with DOCKER_TLS_CERTDIR="" for plain HTTP on 2375` };
  }
  return found;
}

function plain(target: { socketPath: string } | { host: string; port: number }, timeoutMs: number): Promise<Ping> {
  return new Promise((resolve) => {
    const request = http.get({ ...target, path: '/_ping', timeout: timeoutMs }, (response) => {
      if (response.statusCode === 200) {
        response.resume();
        return resolve({ answers: true, detail: 'answers' });
      }
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body = (body + chunk).slice(0, 200)));
      response.on('error', () => {});
      response.on('end', () => resolve(speaksTls(body) ?? { answers: false, detail: `answered HTTP ${response.statusCode}` }));
    });
    request.on('timeout', () => request.destroy(new Error(`no answer within ${timeoutMs / 1000} s`)));
    request.on('error', (error: NodeJS.ErrnoException) => resolve({ answers: false, detail: error.code ?? error.message }));
  });
}

/** A Docker engine's TLS port, asked in plain HTTP, says so in its 400 (Go's own words). */
function speaksTls(body: string): Ping | undefined {
  if (!/HTTP request to an HTTPS server/i.test(body)) return undefined;
  return { answers: false, detail: 'speaks TLS (it answered "Client sent an HTTP request to an HTTPS server")', fix: TLS_WANTED };
}

/** Whether anything accepts a TCP connection there. */
function listens(host: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port, timeout: timeoutMs });
    const done = (open: boolean) => (socket.destroy(), resolve(open));
    socket.once('connect', () => done(true));
    socket.once('timeout', () => done(false));
    socket.once('error', () => done(false));
  });
}
