import { describe, expect, test } from '@jest/globals';
import { DEFAULT_IDLE_MS, reuseSettings } from '../../lib/reuse/settings.js';

describe('warm reuse is opt-in, and off under CI unless forced', () => {
  test('off by default; on from the config or SANDPIT_REUSE=1', () => {
    expect(reuseSettings(undefined, {})).toBeUndefined();
    expect(reuseSettings(true, {})).toEqual({ idleMs: DEFAULT_IDLE_MS });
    expect(reuseSettings(undefined, { SANDPIT_REUSE: '1' })).toEqual({ idleMs: 15 * 60_000 });
    expect(reuseSettings({ idleTimeout: 5000 }, {})).toEqual({ idleMs: 5000 });
    expect(reuseSettings(true, { SANDPIT_REUSE: '0' })).toBeUndefined();
  });

  test('CI runs start clean: reuse is ignored there unless SANDPIT_REUSE=force', () => {
    expect(reuseSettings(true, { CI: 'true' })).toBeUndefined();
    expect(reuseSettings(undefined, { CI: '1', SANDPIT_REUSE: '1' })).toBeUndefined();
    expect(reuseSettings(true, { CI: 'true', SANDPIT_REUSE: 'force' })).toEqual({ idleMs: DEFAULT_IDLE_MS });
    expect(reuseSettings(true, { CI: 'false' })).toEqual({ idleMs: DEFAULT_IDLE_MS });
  });

  test('a SANDPIT_REUSE that is none of 1, 0, true, false, force is a config error, not read as unset', () => {
    for (const value of ['maybe', 'yes']) {
      expect(() => reuseSettings(undefined, { SANDPIT_REUSE: value })).toThrow(
        expect.objectContaining({ code: 'CONFIG_INVALID', message: `SANDPIT_REUSE "${value}" is not allowed: give 1 (reuse), 0 (never), or force (reuse under CI too), or unset it.` }),
      );
    }
    expect(reuseSettings(undefined, { SANDPIT_REUSE: ' ' })).toBeUndefined(); // blank: unset
  });

  test('SANDPIT_REUSE_IDLE sets the idle time; a bad one is a config error', () => {
    expect(reuseSettings(true, { SANDPIT_REUSE_IDLE: '2000' })).toEqual({ idleMs: 2000 });
    expect(() => reuseSettings(true, { SANDPIT_REUSE_IDLE: 'soon' })).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
  });
});

describe('the reuse key', () => {
  test('changes when a seed inside a folder or a compressed seed changes, as the snapshot key does', async () => {
    const { mkdtempSync, mkdirSync, rmSync, writeFileSync } = await import('node:fs');
    const { gzipSync } = await import('node:zlib');
    const os = await import('node:os');
    const path = await import('node:path');
    const { reuseKey } = await import('../../lib/reuse/key.js');
    const dir = mkdtempSync(path.join(os.tmpdir(), 'sandpit-reusekey-'));
    try {
      mkdirSync(path.join(dir, 'seeds'));
      const write = (name: string, text: string) => writeFileSync(path.join(dir, name), name.endsWith('.gz') ? gzipSync(text) : text);
      write('seeds/01.sql', 'CREATE TABLE a (x INT);');
      write('dump.sql.gz', 'CREATE TABLE b (x INT);');
      const key = () => reuseKey({ preset: 'mysql', initScripts: [path.join(dir, 'seeds'), path.join(dir, 'dump.sql.gz')] });
      const first = await key();
      expect(await key()).toBe(first);
      write('seeds/01.sql', 'CREATE TABLE a (x BIGINT);');
      const second = await key();
      expect(second).not.toBe(first);
      write('dump.sql.gz', 'CREATE TABLE b (x BIGINT);');
      expect(await key()).not.toBe(second);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
