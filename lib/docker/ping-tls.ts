import { readFileSync } from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import { certFolder } from '../engine/select.js';

/** What one place an engine may be answered to `GET /_ping`. */
export interface Ping {
  answers: boolean;
  /** "answers", "answered HTTP 404", "ECONNREFUSED", "not present"… */
  detail: string;
  /** What to do, when the answer says it (TLS on one side only, a certificate that does not match). */
  fix?: string;
}

/** `[::1]` is how a URL writes an IPv6 host; a connection wants it bare. */
export const hostOf = (url: URL): string => url.hostname.replace(/^\[|\]$/g, '');

/**
 * `GET /_ping` over TLS with the client's files from DOCKER_CERT_PATH, as the Docker client makes it: what went
 * wrong in the handshake says what to fix. testcontainers' connect said only "no working container runtime
 * strategy" for each of these, and sandpit said "nothing answers there" of an engine that answered.
 */
export function pingTls(url: URL, timeoutMs: number): Promise<Ping> {
  const folder = certFolder();
  let files: { ca: Buffer; cert: Buffer; key: Buffer };
  try {
    files = { ca: readFileSync(path.join(folder, 'ca.pem')), cert: readFileSync(path.join(folder, 'cert.pem')), key: readFileSync(path.join(folder, 'key.pem')) };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return Promise.resolve({ answers: false, detail: `not probed (TLS: ${code === 'ENOENT' ? `no client certificates in ${folder}` : `the client certificates in ${folder} cannot be read, ${code ?? String(error)}`})` });
  }
  return new Promise((resolve) => {
    const request = https.get({ host: hostOf(url), port: Number(url.port || 2376), path: '/_ping', ...files, timeout: timeoutMs }, (response) => {
      response.resume();
      resolve(response.statusCode === 200 ? { answers: true, detail: 'answers (TLS)' } : { answers: false, detail: `answered HTTP ${response.statusCode}` });
    });
    request.on('timeout', () => request.destroy(new Error(`no answer within ${timeoutMs / 1000} s`)));
    request.on('error', (error: NodeJS.ErrnoException & { reason?: string }) => resolve(handshake(error, url, folder)));
  });
}

const UNTRUSTED = new Set(['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'SELF_SIGNED_CERT_IN_CHAIN', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'UNABLE_TO_GET_ISSUER_CERT', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'CERT_SIGNATURE_FAILURE']);

/** A failed TLS request, in words that say which side to fix. */
function handshake(error: NodeJS.ErrnoException & { reason?: string }, url: URL, folder: string): Ping {
  const code = error.code ?? '';
  if (UNTRUSTED.has(code)) {
    return {
      answers: false,
      detail: `its certificate is not signed by the CA in ${path.join(folder, 'ca.pem')} (${code})`,
      fix: `put the ca.pem of the engine's own certificates in ${folder} (DOCKER_CERT_PATH): docker:dind makes new ones each time it starts, in /certs/client, unless that folder is kept`,
    };
  }
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    return {
      answers: false,
      detail: `its certificate is not for ${url.hostname} (${error.reason ?? code})`,
      fix: `reach it by a name its certificate lists (docker:dind's: docker, its hostname, its addresses) in DOCKER_HOST, or give it a certificate for ${url.hostname}`,
    };
  }
  if (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID') {
    return { answers: false, detail: `its certificate is not valid now (${code})`, fix: "renew the engine's certificates (or check this machine's clock)" };
  }
  if (/ALERT_(BAD_CERTIFICATE|UNKNOWN_CA|CERTIFICATE_REQUIRED|CERTIFICATE_UNKNOWN)/.test(code)) {
    return {
      answers: false,
      detail: `it refused this client's certificate, ${path.join(folder, 'cert.pem')} (${code})`,
      fix: `use the cert.pem and key.pem made with the engine's CA, beside its ca.pem (docker:dind: /certs/client of the same run)`,
    };
  }
  if (/wrong version number/i.test(error.message)) {
    return {
      answers: false,
      detail: 'it speaks plain HTTP, not TLS',
      fix: 'turn TLS off for it (unset DOCKER_TLS_VERIFY; docker:dind with DOCKER_TLS_CERTDIR="" serves plain HTTP on 2375), or use its TLS port',
    };
  }
  return { answers: false, detail: code || error.message };
}
