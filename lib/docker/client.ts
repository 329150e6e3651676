import { lookup } from 'node:dns/promises';
import { existsSync } from 'node:fs';
import { isIP } from 'node:net';
import path from 'node:path';
import type { ContainerRuntimeClient } from 'testcontainers';
import { SandpitError, describe, sentence } from '../errors.js';
import { applySelection, type Selection } from '../engine/select.js';
import { engineWaitMs, stillStarting } from '../engine/boot-wait.js';
import { dockerEndpoints, propertiesDockerHost } from './endpoints.js';
import { ping } from './ping.js';
import { rememberEngine } from './remembered.js';

const CONNECT_TIMEOUT_MS = 3000;
// An ssh:// engine answers after a login, perhaps through a jump host; ssh's own ConnectTimeout
// (engine/ssh-transport.ts) bounds the wait for the machine itself.
const SSH_CONNECT_TIMEOUT_MS = 15_000;

let pending: Promise<ContainerRuntimeClient> | undefined;
let selected: Selection | undefined;
let applied = false;

/**
 * The engine chosen by DOCKER_HOST or a Docker context, undefined for the local sockets. Settled
 * once per process, into process.env: the watchdog child inherits the very same choice.
 */
export function engineSelection(): Selection | undefined {
  if (!applied) {
    selected = applySelection(process.env);
    applied = true;
  }
  return selected;
}

/**
 * Everything that decides which engine a full connect reaches, as one string: DOCKER_HOST or the
 * Docker context, and testcontainers' properties file. An engine remembered under another is not used.
 */
export function engineChoice(): string {
  const properties = propertiesDockerHost();
  return `${engineSelection()?.uri ?? ''}${properties ? ` (docker.host=${properties})` : ''}`;
}

/**
 * testcontainers' container-runtime part: the Docker client, image names, registry auth. Not the
 * package entry, which also loads compose, wait strategies and port forwarding that sandpit never
 * uses: ~120 ms and ~10 MB more per process, measured here.
 */
export const runtime = () => import('testcontainers/build/container-runtime/index.js');

/**
 * The Docker API, through testcontainers' runtime client (it knows DOCKER_HOST, rootless and
 * Desktop sockets). Loaded lazily: importing it costs ~150 ms, which `--help` must not pay.
 */
export function docker(): Promise<ContainerRuntimeClient> {
  pending ??= connect().catch((error: unknown) => {
    pending = undefined; // let a later call retry, e.g. after `sandpit doctor` started the engine
    throw error;
  });
  return pending;
}

async function connect(): Promise<ContainerRuntimeClient> {
  // Ryuk's image comes from Docker Hub, which air-gapped machines cannot reach; sandpit reaps its
  // own containers (lib/cleanup), so testcontainers' reaper is never wanted.
  process.env.TESTCONTAINERS_RYUK_DISABLED = 'true';
  // testcontainers ignores `docker context` and a few DOCKER_* defaults; settle them the CLI's way.
  const chosen = engineSelection();
  // A named engine that is still starting (CI's docker:dind) is waited for, saying so once (lib/engine/boot-wait.ts).
  // SANDPIT_ENGINE_WAIT is read only then: a slip in it must not fail the connect to an engine that is up.
  let waitMs: number | undefined;
  const started = Date.now();
  for (let said = false; ; said = true) {
    try {
      return await connectOnce(chosen);
    } catch (error) {
      const why = await diagnosed(chosen?.uri, error);
      const starting = chosen !== undefined && stillStarting(chosen.uri, describe(why));
      waitMs ??= starting ? engineWaitMs() : 0;
      // The wait as set, not as measured: the last try ends a little past it (it read "waited 3 s" for 2 s).
      if (!starting || Date.now() - started >= waitMs) throw unreachable(why, starting ? waitMs : undefined);
      if (!said) process.stderr.write(`sandpit: waiting up to ${Math.round(waitMs / 1000)} s for the Docker engine at ${chosen.uri} to start: ${describe(why)}\n`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}

async function connectOnce(chosen: Selection | undefined): Promise<ContainerRuntimeClient> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const { getContainerRuntimeClient } = await runtime();
    const ssh = chosen?.uri.startsWith('ssh://') === true;
    const budget = ssh ? SSH_CONNECT_TIMEOUT_MS : CONNECT_TIMEOUT_MS;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${budget / 1000} s`)), budget);
    });
    const connecting = ssh
      ? import('../engine/ssh.js').then(({ sshClient }) => sshClient(chosen!.uri))
      : getContainerRuntimeClient();
    const client = await Promise.race([connecting, timeout]);
    // testcontainers falls back to other sockets when DOCKER_HOST fails; a user who set it meant it.
    const wanted = process.env.DOCKER_HOST;
    if (wanted && !wanted.startsWith('ssh://') && !usesHost(client, wanted)) throw new Error(FELL_BACK); // the user meant this one
    rememberEngine(client, engineChoice()); // a later warm run's first reads skip this connect (lib/reuse)
    return client;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * testcontainers says "no working container runtime strategy" whatever failed, and names none of what it
 * tried: that error is dropped from the chain (--verbose showed it), and what the named engine's own
 * address answers to a ping is said instead. A name that does not resolve, or an answer that is not an
 * engine's, is said as such in the message too (it read "nothing answers there").
 */
async function diagnosed(uri: string | undefined, cause: unknown): Promise<unknown> {
  const generic = isGeneric(cause);
  const kept = generic ? {} : { cause };
  // No engine named: the message lists each place tried, and testcontainers' words add nothing.
  if (!uri) return generic ? undefined : cause;
  if (!uri.startsWith('tcp://') && !uri.startsWith('unix://')) return cause;
  if (missingSocket(uri)) return generic ? new Error(`no socket file at ${uri.slice('unix://'.length)}`) : cause;
  const certs = missingCerts(uri);
  if (certs) return new Error(certs, kept);
  const host = uri.startsWith('tcp://') ? new URL(uri).hostname : undefined;
  if (host && !isIP(host.replace(/^\[|\]$/g, ''))) {
    const missing = await lookup(host).then(
      () => undefined,
      (error: NodeJS.ErrnoException) => (error.code === 'ENOTFOUND' ? new Error(`no host named ${host} (${error.code})`, kept) : undefined),
    );
    if (missing) return missing;
  }
  const { answers, detail, fix } = await ping(uri, PING_MS);
  // The engine's answer says what is wrong (TLS on one side only, a certificate): said, with what to do.
  if (fix) return Object.assign(new Error(detail, kept), { fix });
  if (detail.startsWith('answered HTTP')) return new Error(`a server ${detail} to /_ping: not a Docker engine (another service on that port?)`, kept);
  return generic && !answers && !detail.startsWith('not probed') ? new Error(`nothing answers there (${detail})`) : cause;
}

/** testcontainers fell back to another engine than DOCKER_HOST's. */
const FELL_BACK = "no answer from DOCKER_HOST's engine";
/** testcontainers' own words for "nothing answered", or its fall-back: neither names what was tried. */
const isGeneric = (cause: unknown): boolean => describe(cause) === FELL_BACK || /could not find a working container runtime strategy/i.test(describe(cause));

/** A second's wait at most, on the way to an error already known. */
const PING_MS = 1000;

/** `waitedMs`: how long it was waited for as a starting engine (boot-wait.ts), when what it said is what one says. */
export function unreachable(cause: unknown, waitedMs?: number): SandpitError {
  const chosen = engineSelection();
  if (chosen) {
    // The user named one engine: that is the one to talk about, not the local sockets.
    const fix = fixOf(cause);
    const waited = waitedMs ? ` (waited ${Math.round(waitedMs / 1000)} s for it to start)` : '';
    const mayWait = waitedMs === 0 ? ' If it is still starting (a docker:dind service), SANDPIT_ENGINE_WAIT=60s waits for it.' : '';
    return new SandpitError(
      'DOCKER_UNREACHABLE',
      `The Docker engine at ${chosen.uri} (${chosen.source}) is not reachable: ${unreachableReason(cause)}${waited}. ${fix ? sentence(fix) : `Start it or fix ${chosen.source.split(' (')[0]}`}; try \`sandpit doctor\`.${mayWait}`,
      { cause, stage: 'create' },
    );
  }
  const tried = dockerEndpoints()
    .map((e) => `${e.uri} (${e.source}${e.exists ? '' : ', not present'})`)
    .join(', ');
  return new SandpitError(
    'DOCKER_UNREACHABLE',
    `Docker is not reachable (tried ${tried}). Is the daemon running? Start it, or set DOCKER_HOST; try \`sandpit doctor\`.`,
    { cause, stage: 'create' },
  );
}


/** What to do, when the engine's own answer said it (lib/docker/ping.ts): TLS on one side only, a certificate. */
export const fixOf = (cause: unknown): string | undefined => {
  const fix = cause instanceof Error ? (cause as Error & { fix?: unknown }).fix : undefined;
  return typeof fix === 'string' ? fix : undefined;
};

/** Why the engine the user named does not answer, in a few words: a missing socket file, else the cause. */
export function unreachableReason(cause: unknown): string {
  const chosen = engineSelection();
  return chosen && missingSocket(chosen.uri) ? 'no socket file there' : reason(cause);
}

/**
 * TLS on (DOCKER_TLS_VERIFY) without the client's files where DOCKER_CERT_PATH says (GitLab's docker:dind with
 * /certs/client not shared with the job): it read "nothing answers there", the Docker CLI names the file.
 */
function missingCerts(uri: string): string | undefined {
  if (!uri.startsWith('tcp://') || process.env.DOCKER_TLS_VERIFY !== '1' || !process.env.DOCKER_CERT_PATH) return undefined;
  const folder = process.env.DOCKER_CERT_PATH;
  const missing = ['ca.pem', 'cert.pem', 'key.pem'].filter((file) => !existsSync(path.join(folder, file)));
  if (missing.length === 0) return undefined;
  return `TLS is on (DOCKER_TLS_VERIFY) but ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not in ${folder} (DOCKER_CERT_PATH): put the engine's client certificates there (GitLab's docker:dind writes them to /certs/client: share that volume with the job), or turn TLS off`;
}

/** A unix socket path that does not exist says more than any time-out. */
const missingSocket = (uri: string): boolean => uri.startsWith('unix://') && !existsSync(uri.slice('unix://'.length));

/** testcontainers' own words for "nothing answered" name none of what was tried (when no ping could say more). */
const reason = (cause: unknown): string => (isGeneric(cause) ? 'nothing answers there' : describe(cause));

function usesHost(client: ContainerRuntimeClient, dockerHost: string): boolean {
  const modem = client.container.dockerode.modem as { socketPath?: string; host?: string; port?: string | number };
  const url = new URL(dockerHost);
  return url.protocol === 'unix:' || url.protocol === 'npipe:'
    ? modem.socketPath === url.pathname
    : modem.host === url.hostname && String(modem.port ?? '') === url.port;
}

/** The engine is reached through a socket on this machine (not tcp://), so it shares our disk and loopback. */
export function isLocalEngine(client: ContainerRuntimeClient): boolean {
  const modem = client.container.dockerode.modem as { socketPath?: unknown };
  return typeof modem.socketPath === 'string' && modem.socketPath !== '';
}
