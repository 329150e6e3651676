import type { ContainerInfo } from 'dockerode';
import { socketCall } from './socket-http.js';

const TIMEOUT_MS = 3000;

/** One event of the engine's recent history (GET /events). `Action` is e.g. `start`, `exec_create: sh -c …`. */
export interface EngineEvent {
  Type?: string;
  Action?: string;
  status?: string;
  /** Left out since API 1.52 (Docker 29): Actor.ID is the container's id there. */
  id?: string;
  Actor?: { ID?: string };
  time?: number;
}

/**
 * The reads a warm run needs (list by labels, is it running, what happened to a container since it
 * started), as plain Engine API GETs on a local socket. Not docker-modem: it loads ssh2 at import
 * (~80 ms here), which a unix socket never uses. A start's own calls are in calls.ts.
 */
export interface SocketReads {
  listContainers(filters: Record<string, string[]>): Promise<ContainerInfo[]>;
  /** When the container last started, if it runs now (State.StartedAt); undefined if not, or unknown. */
  started(id: string): Promise<string | undefined>;
  /** The events the engine still holds from `since` (unix seconds) until now. */
  events(filters: Record<string, string[]>, since: number): Promise<EngineEvent[]>;
  /** Starts reading the engine's clock, which `events` needs, for a caller that will read events soon. */
  clockAhead(): void;
}

export function socketReads(socketPath: string): SocketReads {
  let podman = false;
  const engineNow = engineClock(async () => {
    const { body, headers } = await getResponse(socketPath, '/info');
    // Podman marks every answer of its Docker-compatible API with its own version.
    podman = headers['libpod-api-version'] !== undefined;
    return (JSON.parse(body) as { SystemTime: string }).SystemTime;
  });
  return {
    listContainers: (filters) => get<ContainerInfo[]>(socketPath, `/containers/json?filters=${encodeURIComponent(JSON.stringify(filters))}`),
    started: (id) =>
      get<{ State?: { Running?: boolean; StartedAt?: string } }>(socketPath, `/containers/${encodeURIComponent(id)}/json`).then(
        (info) => (info.State?.Running === true ? info.State.StartedAt : undefined),
        () => undefined,
      ),
    // `until` ends the answer once the engine has sent what it holds (without it, the stream stays open
    // for new events). It is the engine's now: a local socket can lead into a VM with a clock of its own.
    events: async (filters, since) => {
      const until = await engineNow();
      return eventLines(await getText(socketPath, `/events?since=${since}&${historyEnd(podman, until)}&filters=${encodeURIComponent(JSON.stringify(filters))}`));
    },
    clockAhead: () => void engineNow().catch(() => {}),
  };
}

/**
 * The engine's clock, in unix seconds: read once (GET /info's SystemTime, ~40 ms here) and then
 * kept as an offset from this machine's, so later reads cost nothing.
 */
export function engineClock(systemTime: () => Promise<string>): () => Promise<number> {
  let offset: Promise<number> | undefined;
  return async () => {
    offset ??= (async () => {
      // The engine read its clock somewhere between `before` and the answer: taking the earliest
      // moment errs late, so an `until` made from it never cuts off the latest events (it may make
      // the engine wait out the rest of that one round trip).
      const before = Date.now();
      return Date.parse(await systemTime()) - before;
    })();
    offset.catch(() => (offset = undefined));
    return (Date.now() + (await offset)) / 1000;
  };
}

/**
 * How a read of the engine's history says "up to now", as query parameters. Docker ends the answer at
 * `until`. Podman (4.3, seen here) answers nothing at all for an `until` already past, and a future one
 * makes it wait until then; its `stream=false` ends the answer with what it holds, which Docker ignores.
 */
export const historyEnd = (podman: boolean, until: number): string => (podman ? 'stream=false' : `until=${until}`);

/** Whether GET /version's answer is Podman's: it names itself among the components. */
export const isPodman = (version: unknown): boolean =>
  (version as { Components?: { Name?: string }[] } | undefined)?.Components?.some((c) => /podman/i.test(c.Name ?? '')) === true;

/** The events answer: one JSON object per line. */
export const eventLines = (text: string): EngineEvent[] =>
  text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as EngineEvent);

const get = <T>(socketPath: string, path: string): Promise<T> => getText(socketPath, path).then((body) => JSON.parse(body) as T);

const getText = (socketPath: string, path: string): Promise<string> => getResponse(socketPath, path).then((r) => r.body);

const getResponse = (socketPath: string, path: string) => socketCall(socketPath, path, { timeoutMs: TIMEOUT_MS });
