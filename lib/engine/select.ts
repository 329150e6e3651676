import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { contextDockerHost } from './context.js';

/** The engine the user chose, and how, as the Docker CLI would pick it. */
export interface Selection {
  uri: string;
  /** "DOCKER_HOST", `docker context "ci" (DOCKER_CONTEXT)`…: said by doctor and in errors. */
  source: string;
}

/**
 * The Docker CLI's order: DOCKER_HOST, then DOCKER_CONTEXT, then the context chosen with `docker
 * context use`; undefined means the local sockets (testcontainers tries those). Fills the gaps
 * testcontainers leaves, in `env`, before it reads it: a tcp:// address without a port (2376 with
 * TLS, 2375 without), DOCKER_TLS_VERIFY set to anything but "1", DOCKER_CERT_PATH left to its
 * default (~/.docker), and a context's own TLS files.
 */
export function applySelection(env: NodeJS.ProcessEnv = process.env): Selection | undefined {
  let source = 'DOCKER_HOST';
  if (!env.DOCKER_HOST) {
    const context = contextDockerHost(env);
    if (!context) return undefined;
    source = `docker context "${context.name}" (${env.DOCKER_CONTEXT ? 'DOCKER_CONTEXT' : '`docker context use`'})`;
    env.DOCKER_HOST = context.host;
    const tls = contextTlsDir(env, context.name);
    if (tls && !env.DOCKER_CERT_PATH) {
      env.DOCKER_CERT_PATH = tls;
      env.DOCKER_TLS_VERIFY = '1';
    }
  }
  const tls = tlsOn(env);
  if (tls) {
    env.DOCKER_TLS_VERIFY = '1';
    env.DOCKER_CERT_PATH = certFolder(env);
  }
  env.DOCKER_HOST = withPort(withScheme(env.DOCKER_HOST as string), tls);
  return { uri: env.DOCKER_HOST, source };
}

/** TLS asked for: DOCKER_TLS_VERIFY set and not "0" (the Docker CLI takes "0" for on too). */
export const tlsOn = (env: NodeJS.ProcessEnv = process.env): boolean => Boolean(env.DOCKER_TLS_VERIFY) && env.DOCKER_TLS_VERIFY !== '0';

/** The client's TLS files: DOCKER_CERT_PATH, else the Docker config folder (~/.docker). */
export const certFolder = (env: NodeJS.ProcessEnv = process.env): string => env.DOCKER_CERT_PATH || path.join(env.DOCKER_CONFIG ?? path.join(os.homedir(), '.docker'));

/** `10.0.0.5:2375`, as the Docker CLI reads it: tcp:// (testcontainers failed on it with "Invalid URL"). */
const withScheme = (uri: string): string => (uri.includes('://') ? uri : `tcp://${uri}`);

function withPort(uri: string, tls: boolean): string {
  if (!/^tcp:\/\/[^/:]+\/?$/.test(uri) && !/^tcp:\/\/\[[^\]]+\]\/?$/.test(uri)) return uri;
  return `${uri.replace(/\/$/, '')}:${tls ? 2376 : 2375}`;
}

/** `docker context create --docker host=…,ca=…` keeps its TLS files here, keyed by the name's digest. */
function contextTlsDir(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const dir = path.join(env.DOCKER_CONFIG ?? path.join(os.homedir(), '.docker'), 'contexts', 'tls');
  const folder = path.join(dir, createHash('sha256').update(name).digest('hex'), 'docker');
  return existsSync(path.join(folder, 'cert.pem')) ? folder : undefined;
}
