// The test side, shared by the Jest and Vitest helpers. CommonJS and node:http only: it loads
// in Jest's test sandbox, where sandpit's ES modules cannot, and costs nothing to import.
import http = require('node:http');
import type { ExecOptions, ExecResult } from './types.js';

/** An error with sandpit's code, for the test side, which cannot load the ESM SandpitError class. */
class SandpitTestError extends Error {
  override name = 'SandpitError';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Runs `command` in the service `name` through the exec server of the run's main process, as `how` says. */
function execVia(address: string, name: string, command: string[], how: ExecOptions = {}): Promise<ExecResult> {
  return callMain<ExecResult>(address, '/exec', { name, command, ...how }, `exec in "${name}"`);
}

/** Makes this worker's copy of `name` for the run `run` (once per worker and run), in the main process. */
function prepareVia(address: string, name: string, worker: number, run: string): Promise<void> {
  return callMain(address, '/prepare', { name, worker, run }, `preparing the copy of "${name}" for worker ${worker}`).then(() => {});
}

/** Puts this worker's copy of `name` back to the seeded state, in the main process. */
function resetVia(address: string, name: string, worker: number): Promise<void> {
  return callMain(address, '/reset', { name, worker }, `reset("${name}")`).then(() => {});
}

/** One JSON request to the run's main process; its errors come back with their codes. */
function callMain<T>(address: string, route: string, payload: object, what: string): Promise<T> {
  const body = JSON.stringify(payload);
  return new Promise((resolve, reject) => {
    // A connection per call (agent: false), not Node's kept-alive one: the server closes an idle connection after
    // 5 s, and a worker whose event loop was busy longer (a long synchronous step) had not seen it close; its
    // next call wrote to it and failed with EPIPE. A local socket's connect costs microseconds.
    const request = http.request(
      { socketPath: address, path: route, method: 'POST', agent: false, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          try {
            const parsed = JSON.parse(Buffer.concat(chunks).toString('utf8')) as T & { code?: string; message?: string };
            if (response.statusCode === 200) resolve(parsed);
            else reject(new SandpitTestError(parsed.code ?? 'NOT_READY', parsed.message ?? `sandpit: ${what} failed`));
          } catch (error) {
            reject(error as Error);
          }
        });
      },
    );
    request.on('error', (error) =>
      reject(new SandpitTestError('NOT_FOUND', `sandpit: ${what}: the test run's main process does not answer (${error.message}). Did the run end?`)),
    );
    request.end(body);
  });
}

/** `name` among the run's services, or an error listing them. */
function pick<T>(services: Record<string, T>, name: string, runner: string): T {
  if (Object.hasOwn(services, name)) return services[name]!;
  const names = Object.keys(services);
  throw new SandpitTestError('NOT_FOUND', `sandpit: no service named "${name}" in this ${runner} run. ${names.length ? `Services: ${names.join(', ')}.` : 'The config has none.'}`);
}

/**
 * reset() of a service with no copy per worker. A shared mysql or redis has no template to put back (and its
 * data is every worker's, --runInBand's single one included); other services have no copies.
 */
function notResettable(name: string, url: string): SandpitTestError {
  const shared = /^(mysql|redis):/.test(url);
  return new SandpitTestError(
    'INVALID_OPTION',
    shared
      ? `sandpit: reset("${name}") needs isolation: 'worker' (the default for mysql and redis): "${name}" is shared by all workers, so it keeps no seeded template to put back.`
      : `sandpit: reset("${name}") is for mysql and redis services, which have a copy per worker to put back.`,
  );
}

/** A string goes through `sh -c`; an array is the argv. */
const argv = (command: string | string[]): string[] => (typeof command === 'string' ? ['sh', '-c', command] : command);

export = { SandpitTestError, execVia, prepareVia, resetVia, pick, argv, notResettable };
