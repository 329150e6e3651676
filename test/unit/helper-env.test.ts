import { describe, expect, test } from '@jest/globals';
import { helperEnv, withoutInspector } from '../../lib/cleanup/script.js';

describe("helper processes' NODE_OPTIONS", () => {
  test.each([
    ['--inspect-brk', ''],
    ['--inspect', ''],
    ['--inspect=0.0.0.0:9230 --max-old-space-size=512', '--max-old-space-size=512'],
    ['--require ./hook.cjs --inspect-brk=9229 --enable-source-maps', '--require ./hook.cjs --enable-source-maps'],
    ['--inspect-wait --inspect-port 9333 --no-warnings', '--no-warnings'],
    ['--inspect-port=9333 --debug-port=1 --inspect-publish-uid=http', ''],
    // Not inspector flags, however alike.
    ['--inspector-like --no-inspect-x', '--inspector-like --no-inspect-x'],
  ])('%s → %s', (given, kept) => {
    const words = (options: string) => options.split(' ').filter(Boolean);
    expect(words(withoutInspector(given))).toEqual(words(kept));
  });

  test('a quoted path keeps its spaces, doubled ones too', () => {
    expect(withoutInspector('--require "/path with  spaces/bootloader.js" --inspect-brk')).toBe('--require "/path with  spaces/bootloader.js"');
  });

  test('the rest of the environment is passed on, with the extras', () => {
    const before = process.env.NODE_OPTIONS;
    process.env.NODE_OPTIONS = '--inspect-brk --no-warnings';
    try {
      const env = helperEnv({ SANDPIT_X: '1' });
      expect(env.NODE_OPTIONS).toBe('--no-warnings');
      expect(env.SANDPIT_X).toBe('1');
      expect(env.PATH).toBe(process.env.PATH);
    } finally {
      if (before === undefined) delete process.env.NODE_OPTIONS;
      else process.env.NODE_OPTIONS = before;
    }
  });
});
