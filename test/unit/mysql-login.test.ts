import { expect, test } from '@jest/globals';
import { loginPassword } from '../../lib/presets/mysql-login.js';

const db = { user: 'test', password: 'app-pw', rootPassword: 'root-pw' };

test.each([
  [['mysql', 'shop'], 'root-pw'], // no -u: root, the container's user
  [['mysql', '-u', 'test'], 'app-pw'],
  [['mysql', '-utest'], 'app-pw'],
  [['mysqldump', '--user=test', 'shop'], 'app-pw'],
  [['mysql', '-u', 'root'], 'root-pw'],
  [['mysql', '-u', 'someone'], undefined], // an account sandpit did not make: no password, so the server says it is missing
  [['mysql', '--', '-u', 'test'], 'root-pw'], // after --, words are the command's arguments, not mysql's options
  [['sh', '-c', 'mysql -u test -e "select 1"'], 'app-pw'], // a test's exec('…') string
  [['/bin/sh', '-c', "mysql --user='test'"], 'app-pw'],
  [['bash', '-lc', 'mysql -u test'], 'app-pw'],
  [['sh', '-c', 'mysql shop < dump.sql'], 'root-pw'],
])('%j logs in with %s', (command, expected) => {
  expect(loginPassword(command, db)).toBe(expected);
});
