import { describe, expect, test } from '@jest/globals';
import { execa } from 'execa';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { eventually } from '../helpers/engine.js';

/**
 * The ssh:// transport's connection keeping (lib/engine/ssh-transport.ts), against a stand-in for
 * `ssh … docker system dial-stdio` first on PATH. In a process of its own: spawn reads the real
 * environment, not the test's copy, and the process must be seen to end by itself.
 */
const transport = fileURLToPath(new URL('../../dist/lib/engine/ssh-transport.js', import.meta.url));
const fake = fileURLToPath(new URL('../fixtures/fake-dial-stdio.mjs', import.meta.url));

const probe = `
  import http from 'node:http';
  const { sshAgent } = await import(${JSON.stringify(transport)});
  const agent = sshAgent(['--', 'box']);
  const get = () => new Promise((resolve) => {
    const req = http.get({ host: 'box', path: '/_ping', agent }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d)).on('end', () => resolve(body));
    });
    req.setTimeout(3000, () => req.destroy(new Error('no answer within 3 s')));
    req.on('error', (error) => resolve(error.message));
  });
  console.log(await get());
  await new Promise((resolve) => setTimeout(resolve, 300));
  console.log(await get());
`;

async function run(env: Record<string, string> = {}) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sandpit-ssh-transport-'));
  try {
    writeFileSync(path.join(dir, 'ssh'), `#!/bin/sh\nexec ${process.execPath} ${fake}\n`);
    chmodSync(path.join(dir, 'ssh'), 0o755);
    const log = path.join(dir, 'log');
    const result = await execa(process.execPath, ['--input-type=module', '-e', probe], {
      env: { ...env, PATH: `${dir}:${process.env.PATH}`, FAKE_LOG: log },
      reject: false,
      timeout: 15_000,
    });
    const dials = readFileSync(log, 'utf8').trim().split('\n');
    return { result, dials, pids: dials.map((line) => Number(line.split(' ')[1])) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Running, not a zombie waiting for a reaper. */
const isAlive = (pid: number): boolean => {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
};

describe('ssh:// connections', () => {
  test('are kept between requests, and a kept one does not keep the process alive', async () => {
    const { result, dials, pids } = await run();
    expect({ exitCode: result.exitCode, timedOut: result.timedOut, stdout: result.stdout }).toEqual({ exitCode: 0, timedOut: false, stdout: 'ok\nok' });
    expect(dials).toHaveLength(1);
    // The process ended with the connection still kept: its ssh ends with it (its stdin closed).
    expect(await eventually(async () => pids.filter(isAlive).length === 0, 5000)).toBe(true);
  });

  test('one the engine closed while kept is dropped: the next request gets a new one, not a wait', async () => {
    const { result, dials } = await run({ FAKE_CLOSE: '1' });
    expect({ exitCode: result.exitCode, stdout: result.stdout }).toEqual({ exitCode: 0, stdout: 'ok\nok' });
    expect(dials).toHaveLength(2);
  });
});
