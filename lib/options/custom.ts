import type { OptionSpec, Preset } from '../preset.js';
import { logSays } from '../readiness/log-lines.js';
import type { CustomStartOptions, ReadyCheck } from '../types.js';
import { SandpitError } from '../errors.js';
import { httpAnswers, tcpAccepts } from '../readiness/probes.js';

export const CUSTOM_OPTIONS: Record<string, OptionSpec> = {
  ports: { type: 'number[]', describe: 'container ports to publish' },
  env: { type: 'object', describe: 'environment variables' },
  command: { type: 'string[]', describe: 'command to run' },
  ready: { type: 'object', describe: 'how to tell it is ready: { http }, { tcp }, { log } or { command }' },
};

/** `start({ image, ports, env, command, ready })`: the `docker run -d -p -e` case as an ad-hoc preset. */
export function customPreset(raw: Record<string, unknown>): Preset<object, object> {
  const { image, ports = [], env = {}, command, ready } = raw as unknown as CustomStartOptions;
  if (!Array.isArray(ports) || !ports.every((p) => Number.isInteger(p) && p > 0 && p < 65536)) {
    throw new SandpitError('INVALID_OPTION', `Invalid ports: ${JSON.stringify(ports)}. Expected container port numbers, e.g. [8080].`);
  }
  if (typeof env !== 'object' || env === null || !Object.values(env).every((v) => typeof v === 'string')) {
    throw new SandpitError('INVALID_OPTION', 'Invalid env: expected an object of strings, e.g. { ENDPOINT: "http://…" }.');
  }
  if (command !== undefined && !(Array.isArray(command) && command.every((c) => typeof c === 'string'))) {
    throw new SandpitError('INVALID_OPTION', 'Invalid command: expected a list of strings, e.g. ["node", "server.js"].');
  }
  const check = readyCheck(ready, ports[0]);
  const containerPort = ports[0];
  return {
    name: 'custom',
    summary: image,
    image,
    offline: { dockerfile: '' },
    ...(containerPort === undefined ? {} : { containerPort }),
    extraPorts: ports.slice(1),
    options: {},
    resolve: () => ({}),
    container: () => ({ env, ...(command ? { command } : {}) }),
    probe: check,
    // No port published: reached with exec, as the ubuntu box is (it read tcp://127.0.0.1:0).
    url: ({ host, port }) => (containerPort === undefined ? `shell://${host}` : 'http' in (ready ?? {}) ? `http://${host}:${port}/` : `tcp://${host}:${port}`),
  };
}

function readyCheck(ready: ReadyCheck | undefined, firstPort: number | undefined): Preset['probe'] {
  // Nothing asked: ready once it runs. A command that ended at once was "ready" on port 0 (nothing published),
  // and only the first exec said it had exited; now the start waits for that exit and fails with its code.
  // (Best effort: a command that ends a moment after this look is not caught here, but at its first use.)
  if (ready === undefined) {
    return async (t) => {
      // Port 0: nothing was published, as the container had stopped when its ports were read.
      if ((firstPort !== undefined && t.port === 0) || !(await t.running())) throw new Error('it is not running');
    };
  }
  if ('http' in ready) {
    need(firstPort, 'ready.http');
    const path = ready.http.startsWith('/') ? ready.http : `/${ready.http}`;
    // A 2xx or 3xx, as curl -f takes it (testcontainers' forHttp: a 200): a health path answering 503 while the app
    // warms up was "ready", and the first test met the 503.
    return async (t) => {
      const status = await httpAnswers(`http://${t.host}:${t.port}${path}`);
      if (status >= 400) throw new Error(`GET ${path} answered ${status}`);
    };
  }
  if ('tcp' in ready) {
    need(firstPort, 'ready.tcp');
    return (t) => tcpAccepts(t.host, t.port);
  }
  if ('command' in ready) {
    const argv = typeof ready.command === 'string' ? ['sh', '-c', ready.command] : ready.command;
    return async (t) => {
      const { exitCode, stderr } = await t.exec(argv);
      if (exitCode !== 0) throw new Error(`${typeof ready.command === 'string' ? ready.command : argv.join(' ')} exited ${exitCode}: ${stderr.trim()}`);
    };
  }
  if ('log' in ready) return logSays(typeof ready.log === 'string' ? new RegExp(escape(ready.log)) : ready.log);
  throw new SandpitError('INVALID_OPTION', `Invalid ready: ${JSON.stringify(ready)}. Expected { http: '/path' }, { tcp: true }, { log: 'text' } or { command: [...] }.`);
}

function need(port: number | undefined, what: string): void {
  if (port === undefined) throw new SandpitError('INVALID_OPTION', `${what} needs a port to check: add ports: [N].`);
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
