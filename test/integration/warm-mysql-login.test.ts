import { describe, expect, test } from '@jest/globals';
import { execa } from 'execa';
import { existsSync } from 'node:fs';
import { removeContainer } from '../../lib/cleanup/remove.js';
import { LABEL } from '../../lib/cleanup/labels.js';
import { claim, markFile } from '../../lib/cleanup/reused.js';
import { mysqlGreeting } from '../../lib/readiness/mysql.js';
import { mysqlLogin } from '../../lib/readiness/mysql-login.js';
import type { MysqlService } from '../../lib/types.js';
import { eventually } from '../helpers/engine.js';
import { holdOffPrunes } from '../helpers/prune-lock.js';

// Other files' prunes would take the idle warm containers this file hands back and takes over.
holdOffPrunes();

// The built library: lib/runner reaches lib/isolation's CommonJS sources (.cts), which this Jest
// config does not transform; `npm test` builds dist/ first.
const { startWarm } = (await import('../../dist/lib/runner/warm.js' as string)) as typeof import('../../lib/runner/warm.js');

describe('a warm mysql taken over after a restart', () => {
  test('its accounts log in over TLS again, so a plain-TCP client needs no RSA key (mysql2 ≥ 3.26)', async () => {
    const name = `db${process.pid}login`;
    // The first run is a process of its own: its resetter waits for that process to end.
    const first = `const { startWarm } = await import(${JSON.stringify(new URL('../../dist/lib/runner/warm.js', import.meta.url).href)});
      const warm = await startWarm([{ preset: 'mysql', name: ${JSON.stringify(name)} }], { idleMs: 600000 });
      console.log(warm.services[0].containerId);
      await Promise.all([...warm.releases.values()].map((release) => release()));`;
    const id = (await execa('node', ['--input-type=module', '-e', first])).stdout.trim();
    try {
      expect(await eventually(async () => existsSync(markFile(id, 'clean')) && !existsSync(markFile(id, 'resetting')), 30_000, 50)).toBe(true);
      // A restart empties the server's password cache (and gives the container a new host port). Held as
      // a run holds it meanwhile: the reaper removes a warm container it sees stopped and unheld.
      const token = (await execa('docker', ['inspect', id, '--format', `{{ index .Config.Labels "${LABEL.claim}" }}`])).stdout.trim();
      const release = await claim(token);
      expect(release).toBeDefined();
      try {
        await execa('docker', ['restart', id]);
      } finally {
        await release?.();
      }
      const port = Number((await execa('docker', ['port', id, '3306/tcp'])).stdout.split('\n')[0]!.split(':').at(-1));
      expect(await eventually(() => mysqlGreeting('127.0.0.1', port, 1000).then(() => true, () => false), 60_000, 100)).toBe(true);
      // Not handed back at the end: its resetter would wait for this (Jest's) process to end.
      const second = await startWarm([{ preset: 'mysql', name }], { idleMs: 600_000 });
      expect(second.reused.has(name)).toBe(true);
      const db = second.services[0] as MysqlService;
      expect(db.containerId).toBe(id);
      expect(await mysqlLogin(db.host, db.port, db.user, db.password, { secure: false, timeoutMs: 5000 })).toBe('fast');
    } finally {
      await removeContainer(id);
    }
  }, 120_000);
});
