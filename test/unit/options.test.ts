import { describe, expect, test } from '@jest/globals';
import { serviceName } from '../../lib/options/name.js';
import { normalise, suggestion } from '../../lib/options/normalise.js';
import { assertDistinctNames } from '../../lib/service/names.js';

describe('normalise', () => {
  test('a preset name alone gets the defaults', () => {
    const n = normalise('redis');
    expect(n).toMatchObject({ name: 'redis', presetName: 'redis', startupTimeoutMs: 60_000, detached: false });
    expect(n.bindAddress).toBeUndefined(); // loopback or all addresses: decided once the engine is known
    expect(n.port).toBeUndefined();
  });

  test('SANDPIT_STARTUP_TIMEOUT sets the default, in ms or with an s suffix', () => {
    const saved = process.env.SANDPIT_STARTUP_TIMEOUT;
    try {
      process.env.SANDPIT_STARTUP_TIMEOUT = '90s';
      expect(normalise('redis').startupTimeoutMs).toBe(90_000);
      process.env.SANDPIT_STARTUP_TIMEOUT = '2500';
      expect(normalise('redis').startupTimeoutMs).toBe(2500);
      // As `--timeout 1e4` reads (the CLI test): one reading of a duration for both.
      process.env.SANDPIT_STARTUP_TIMEOUT = '1e4';
      expect(normalise('redis').startupTimeoutMs).toBe(10_000);
      // Past setTimeout's limit a wait would end at once: taken as the longest there is.
      process.env.SANDPIT_STARTUP_TIMEOUT = '1e10';
      expect(normalise('redis').startupTimeoutMs).toBe(2 ** 31 - 1);
      expect(normalise({ preset: 'redis', startupTimeout: Infinity }).startupTimeoutMs).toBe(2 ** 31 - 1);
      process.env.SANDPIT_STARTUP_TIMEOUT = '0';
      expect(() => normalise('redis')).toThrow(/Invalid SANDPIT_STARTUP_TIMEOUT: "0"/);
      expect(normalise({ preset: 'redis', startupTimeout: 10 }).startupTimeoutMs).toBe(10);
      process.env.SANDPIT_STARTUP_TIMEOUT = 'soon';
      expect(() => normalise('redis')).toThrow(/Invalid SANDPIT_STARTUP_TIMEOUT: "soon"/);
    } finally {
      if (saved === undefined) delete process.env.SANDPIT_STARTUP_TIMEOUT;
      else process.env.SANDPIT_STARTUP_TIMEOUT = saved;
    }
  });

  test('preset options are split from the common ones', () => {
    const n = normalise({ preset: 'mysql', name: 'db', database: 'app', port: 'standard' });
    expect(n.presetOptions).toEqual({ database: 'app' });
    expect([n.name, n.port]).toEqual(['db', 'standard']);
  });

  test('an image without a preset is a custom service', () => {
    expect(normalise({ image: 'nginx:1.27', ports: [80] }).presetName).toBe('custom');
  });
});

describe('suggestion', () => {
  test('offers the closest choice only when it is close', () => {
    expect(suggestion('initScript', ['database', 'initScripts'])).toBe(' Did you mean "initScripts"?');
    expect(suggestion('zzzzzz', ['database', 'initScripts'])).toBe('');
  });
});

describe('names', () => {
  test('one rule names a service everywhere: its name, else its preset, else custom', () => {
    // normalise() asks serviceName(), so each expected name is checked against both.
    const cases = [
      ['redis', 'redis'],
      [{ preset: 'mysql' }, 'mysql'],
      [{ preset: 'redis', name: 'cache' }, 'cache'],
      [{ image: 'nginx:1.27' }, 'custom'],
      [{ image: 'nginx:1.27', name: 'web' }, 'web'],
    ] as const;
    for (const [input, name] of cases) {
      expect(serviceName(input)).toBe(name);
      expect(normalise(input).name).toBe(name);
    }
  });

  test('two unnamed images would share SANDPIT_CUSTOM_*: refused like any two services of one name', () => {
    expect(() => assertDistinctNames([{ image: 'nginx:1.27' }, { image: 'httpd:2.4' }])).toThrow('Two services are named "custom"');
    expect(() => assertDistinctNames([{ image: 'nginx:1.27' }, { image: 'httpd:2.4', name: 'web' }])).not.toThrow();
  });
});

describe('custom images', () => {
  test('the url: http:// with an http check, tcp:// with a port, shell:// (exec) with none, never port 0', async () => {
    const { customPreset } = await import('../../lib/options/custom.js');
    const at = { host: '127.0.0.1', port: 0 } as never;
    expect(customPreset({ image: 'x:1' }).url(at, {})).toBe('shell://127.0.0.1');
    expect(customPreset({ image: 'x:1', ports: [80] }).url({ host: '127.0.0.1', port: 8080 } as never, {})).toBe('tcp://127.0.0.1:8080');
    expect(customPreset({ image: 'x:1', ports: [80], ready: { http: '/' } }).url({ host: '127.0.0.1', port: 8080 } as never, {})).toBe('http://127.0.0.1:8080/');
  });

  // A command that ended at once was "ready" on port 0, and only its first exec() said it had exited: now
  // the start waits on, and its end fails it (NOT_READY with the exit code and the last log lines).
  test('with no ready check: ready once it runs; not while it is stopped, nor with its port unpublished (0)', async () => {
    const { customPreset } = await import('../../lib/options/custom.js');
    const target = (port: number, running: boolean) => ({ host: '127.0.0.1', port, exec: async () => ({ exitCode: 0, stdout: '', stderr: '' }), logs: async () => '', logsSince: async () => '', running: async () => running });
    const withPort = customPreset({ image: 'x:1', ports: [80] });
    const bare = customPreset({ image: 'x:1' });
    await expect(withPort.probe(target(8080, true), {})).resolves.toBeUndefined();
    await expect(withPort.probe(target(0, true), {})).rejects.toThrow('it is not running');
    await expect(withPort.probe(target(8080, false), {})).rejects.toThrow('it is not running');
    await expect(bare.probe(target(0, true), {})).resolves.toBeUndefined();
    await expect(bare.probe(target(0, false), {})).rejects.toThrow('it is not running');
  });

  test('ready.command: an argv list, or a string through sh -c as exec() takes one', async () => {
    const { customPreset } = await import('../../lib/options/custom.js');
    const ran: string[][] = [];
    const target = { host: '127.0.0.1', port: 0, exec: async (argv: string[]) => (ran.push(argv), { exitCode: argv.join(' ').includes('fail') ? 1 : 0, stdout: '', stderr: 'no' }), logs: async () => '', logsSince: async () => '', running: async () => true };
    await customPreset({ image: 'x:1', ready: { command: 'pg_isready && test -f /ready' } }).probe(target, {});
    await customPreset({ image: 'x:1', ready: { command: ['test', '-f', '/ready'] } }).probe(target, {});
    expect(ran).toEqual([['sh', '-c', 'pg_isready && test -f /ready'], ['test', '-f', '/ready']]);
    await expect(customPreset({ image: 'x:1', ready: { command: 'exit 1 # fail' } }).probe(target, {})).rejects.toThrow('exit 1 # fail exited 1: no');
  });
});
