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

  test('SANDPIT_REUSE_IDLE sets the idle time; a bad one is a config error', () => {
    expect(reuseSettings(true, { SANDPIT_REUSE_IDLE: '2000' })).toEqual({ idleMs: 2000 });
    expect(() => reuseSettings(true, { SANDPIT_REUSE_IDLE: 'soon' })).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
  });
});
