import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { removeWhenGone } from '../cleanup/watchdog.js';
import { describe, isSandpitError } from '../errors.js';
import type { Service } from '../types.js';

export interface ExecServer {
  /** Where the test side sends its requests: a socket path (a named pipe on Windows). */
  address: string;
  close(): Promise<void>;
}

/** What a worker asks of its own copies (lib/runner/copies.ts); absent when nothing is isolated. */
export interface WorkerCalls {
  prepare(name: string, worker: number, run: string): Promise<void>;
  reset(name: string, worker: number): Promise<void>;
}

interface Request {
  name: string;
  command?: string[];
  env?: Record<string, string>;
  user?: string;
  workdir?: string;
  worker?: number;
  run?: string;
}

/**
 * `exec()` from a test: one local request to the runner's main process, which already holds a Docker
 * client, instead of a Node process per call (0.7-0.9 s) or the Docker client loaded into every test
 * file's sandbox (~150 ms and ~25 MB each). Only services of this run, by name, can be reached.
 * A worker's copies are prepared and reset here too (/prepare, /reset): the database client and its
 * connections then live in one process, not loaded again into every test file's sandbox.
 */
export async function serveExec(find: (name: string) => Service | undefined, calls?: WorkerCalls): Promise<ExecServer> {
  const handle = async (route: string | undefined, { name, command = [], env, user, workdir, worker = 0, run = '' }: Request): Promise<[number, unknown]> => {
    const service = find(name);
    if (!service) return [404, { code: 'NOT_FOUND', message: `sandpit: no service named "${name}" in this run.` }];
    if (route === '/exec') return [200, await service.exec(command, { env, user, workdir })];
    if (route === '/prepare' && calls) return [200, await calls.prepare(name, worker, run).then(() => ({}))];
    if (route === '/reset' && calls) return [200, await calls.reset(name, worker).then(() => ({}))];
    return [404, { code: 'NOT_FOUND', message: `sandpit: this run does not answer ${route}.` }];
  };
  const server = http.createServer((request, response) => {
    const reply = ([status, body]: [number, unknown]) => response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const route = request.url;
      void (async () => {
        try {
          reply(await handle(route, JSON.parse(Buffer.concat(chunks).toString('utf8')) as Request));
        } catch (error) {
          const what = route === '/exec' ? 'exec' : route?.slice(1);
          reply([500, { code: isSandpitError(error) ? error.code : 'NOT_READY', message: `sandpit: ${what} failed: ${describe(error)}` }]);
        }
      })();
    });
  });
  // Other users of this machine must not run commands in these containers: the socket lives in a
  // folder only this user may enter (mkdtemp makes it 0700), so there is no moment it is open to them.
  const folder = process.platform === 'win32' ? undefined : mkdtempSync(path.join(os.tmpdir(), 'sandpit-exec-'));
  // close() removes it; a runner killed outright never calls that, and its watchdog does. A run that took
  // every service over warm started no container, so no watchdog: a Ctrl-C (Jest exits without its
  // teardown) left the folder. The process's own exit removes it too; only a SIGKILL of such a run leaves it.
  const removeAtExit = () => folder && rmSync(folder, { recursive: true, force: true });
  if (folder) {
    removeWhenGone(folder);
    process.once('exit', removeAtExit);
  }
  const address = folder ? path.join(folder, 'exec.sock') : `\\\\.\\pipe\\sandpit-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(address, resolve));
    if (folder) chmodSync(address, 0o600);
  } catch (error) {
    server.close();
    process.off('exit', removeAtExit);
    removeAtExit();
    throw error;
  }
  // The runner decides when its process ends, not this server (Jest warns about open handles).
  server.unref();
  return {
    address,
    close: () =>
      new Promise<void>((resolve) => server.close(() => resolve()).closeAllConnections()).finally(() => {
        process.off('exit', removeAtExit);
        removeAtExit();
      }),
  };
}
