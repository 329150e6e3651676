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

  test('with no record, the same start connects in full', async () => {
    expect(await run(undefined)).toMatchObject({ runtime: true, served: token });
  });
});
