import { expect, test } from '@jest/globals';
import { execa } from 'execa';
import { parseEnv } from 'node:util';
import { envValue } from '../../cli/services.js';

const values = ['plain-1', 'mysql://u:p%40w@127.0.0.1:3306/db', 'p w$x#y', 'a"b$c`d\\e', "it's", 'a\'b"c$d', ''];

test.each(values)('%j: a line sh reads back as it was', async (value) => {
  const { stdout } = await execa('sh', ['-c', `eval "$0"; printf %s "$V"`, `V=${envValue(value)}`]);
  expect(stdout).toBe(value);
});

// Node's --env-file (util.parseEnv): no escapes in its quotes, so a value with both kinds of quote is beyond it.
test.each(values.filter((v) => !(v.includes("'") && /["$`\\]/.test(v))))('%j: a line Node\'s --env-file reads back as it was', (value) => {
  expect(parseEnv(`V=${envValue(value)}\n`).V ?? '').toBe(value);
});
