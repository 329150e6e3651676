import { afterAll, describe, expect, test } from '@jest/globals';
import { execa } from 'execa';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { docker, engineChoice } from '../../lib/docker/client.js';

const coldStart = fileURLToPath(new URL('../fixtures/cold-start.mjs', import.meta.url));

// A cold start on the engine the last full connect remembered (lib/docker/calls.ts) creates, starts
// and probes its containers over plain HTTP on the socket; testcontainers' runtime is never loaded
// unless something needs it. Without a record that fits, it connects in full, as before.
describe('cold starts on the remembered engine socket', () => {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'sandpit-light-start-'));
  const site = path.join(tmp, 'site');
  mkdirSync(site);
  const token = `served ${process.pid}\n`;
  writeFileSync(path.join(site, 'index.html'), token);

  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  const run = async (record: object | undefined) => {
    const dir = mkdtempSync(path.join(tmp, 'run-'));
    if (record) writeFileSync(path.join(dir, `sandpit-engine-${process.getuid!()}.json`), JSON.stringify(record), { mode: 0o600 });
    const { stdout } = await execa('node', [coldStart, site], { env: { TMPDIR: dir, SANDPIT_NO_SWEEP: '1' } });
    const result = JSON.parse(stdout) as { runtime: boolean; served: string; ids: string[] };
    // stop() went through the same calls: nothing is left.
    const { stdout: left } = await execa('docker', ['ps', '-aq', ...result.ids.flatMap((id) => ['--filter', `id=${id}`])]);
    expect(left.trim()).toBe('');
    return result;
  };

  test('redis and httpd (a bind mount, measured as visible) start and stop without the testcontainers runtime', async () => {
    const client = await docker();
    const { socketPath } = client.container.dockerode.modem as { socketPath?: string };
    expect(socketPath).toBeTruthy(); // this suite needs an engine on a local socket
    const started = await run({ selection: engineChoice(), override: '', socketPath, host: client.info.containerRuntime.host });
    expect(started).toMatchObject({ runtime: false, served: token });
  });

  test('the CLI starts detached, lists and removes on the remembered engine without the testcontainers runtime', async () => {
    const client = await docker();
    const { socketPath } = client.container.dockerode.modem as { socketPath?: string };
    const dir = mkdtempSync(path.join(tmp, 'cli-'));
    const record = { selection: engineChoice(), override: '', socketPath, host: client.info.containerRuntime.host };
    writeFileSync(path.join(dir, `sandpit-engine-${process.getuid!()}.json`), JSON.stringify(record), { mode: 0o600 });
    const main = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
    // The command runs in this probe's process, which then says whether the runtime was loaded.
    const cli = async (args: string[]) => {
      const probe = `import { createRequire } from 'node:module';
        const cache = createRequire(import.meta.url).cache;
        process.on('exit', () => process.stderr.write('\\nRUNTIME ' + Object.keys(cache).some((m) => m.includes('/node_modules/testcontainers/'))));
        process.argv = [process.argv[0], ${JSON.stringify(main)}, ...${JSON.stringify(args)}];
        await import(${JSON.stringify(main)});`;
      const result = await execa('node', ['--input-type=module', '-e', probe], { env: { TMPDIR: dir, SANDPIT_NO_SWEEP: '1' }, reject: false });
      return { exitCode: result.exitCode, stdout: result.stdout, runtime: /RUNTIME (\w+)$/.exec(result.stderr)?.[1], stderr: result.stderr };
    };
    const name = `light${process.pid}`;
    const up = await cli(['up', 'redis', '--detach', '--json', '--name', name]);
    try {
      expect(up).toMatchObject({ exitCode: 0, runtime: 'false' });
      const ls = await cli(['ls']);
      expect(ls).toMatchObject({ exitCode: 0, runtime: 'false' });
      expect(ls.stdout).toContain(name);
    } finally {
      const down = await cli(['down', name]);
      expect(down).toMatchObject({ exitCode: 0, runtime: 'false' });
    }
    const { stdout: left } = await execa('docker', ['ps', '-aq', '--filter', `label=sandpit.name=${name}`]);
    expect(left.trim()).toBe('');
  });

  test('with no record, the same start connects in full', async () => {
    expect(await run(undefined)).toMatchObject({ runtime: true, served: token });
  });
});
