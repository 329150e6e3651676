import { expect, test } from '@jest/globals';
import { headline } from '../../lib/setup/run.js';

// What a failed setup command's error names in its first line: why it failed, as its output says it.
test.each([
  [
    'a Knex migration (its stack last)',
    `Using environment: development
migration file "20240101_add_col.js" failed
migration failed with error: alter table \`order\` add \`x\` int - Table 'shop.order' doesn't exist
Error: Table 'shop.order' doesn't exist
    at Packet.asError (/app/node_modules/mysql2/lib/packets/packet.js:740:17)
    at Socket.emit (node:events:519:28)
    at Readable.push (node:internal/streams/readable:392:5)`,
    "Error: Table 'shop.order' doesn't exist",
  ],
  [
    "an uncaught error (Node's version line last)",
    `file:///app/migrate.mjs:2
throw new Error('relation "users" does not exist');
^

Error: relation "users" does not exist
    at file:///app/migrate.mjs:2:7

Node.js v20.19.5`,
    'Error: relation "users" does not exist',
  ],
  ['a tool that says it in its own words', 'Applying 001\nMigration 002 failed: table x exists\n', 'Migration 002 failed: table x exists'],
  ['only stack frames', '    at a (x.js:1:1)\n', undefined],
])('%s', (_, output, expected) => {
  expect(headline(output.split('\n'))).toBe(expected);
});
