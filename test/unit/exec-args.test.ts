import { expect, test } from '@jest/globals';
import { withCommandSeparator } from '../../cli/exec-args.js';

test("exec: all after the service's name is the command, a -- of the command's own included", () => {
  // A -- inside the command left the line to yargs, which read grep's -h as exec's help: exit 0, nothing run.
  expect(withCommandSeparator(['exec', 'box', 'grep', '-h', 'x', '--', 'f'])).toEqual(['exec', 'box', '--', 'grep', '-h', 'x', '--', 'f']);
  expect(withCommandSeparator(['exec', '-it', 'db', 'bash'])).toEqual(['exec', '-it', 'db', '--', 'bash']);
  expect(withCommandSeparator(['--verbose', 'exec', '--project', 'api', 'db', 'ls', '-l'])).toEqual(['--verbose', 'exec', '--project', 'api', 'db', '--', 'ls', '-l']);
  // As typed: a -- after the name already (sandpit's options between: a CI script's exec db --project api -- ls), no command, another command, an option sandpit does not know before
  // the name (docker's --privileged).
  expect(withCommandSeparator(['exec', 'db', '-i', 'psql', '--', 'x'])).toEqual(['exec', 'db', '--', '-i', 'psql', '--', 'x']);
  for (const line of [['exec', 'db', '--', 'ls'], ['exec', 'db', '--project', 'api', '--', 'ls'], ['exec', 'db', '-i', '--', 'psql'], ['exec', 'db'], ['up', 'redis', 'x'], ['exec', '--privileged', 'db', 'whoami']]) expect(withCommandSeparator(line)).toEqual(line);
});

test("exec: docker exec's -u, -w and -e are sandpit's, their value no service name; -uroot is split for yargs", () => {
  // `-u root db whoami` was "Unknown argument: u"; `-uroot` was read by yargs as the flags u, r, o, o and t.
  expect(withCommandSeparator(['exec', '-u', 'root', 'db', 'whoami'])).toEqual(['exec', '-u', 'root', 'db', '--', 'whoami']);
  expect(withCommandSeparator(['exec', '-uroot', '-w/tmp', '-eA=1', '-e', 'B', 'box', 'id', '-u'])).toEqual(['exec', '-u', 'root', '-w', '/tmp', '-e', 'A=1', '-e', 'B', 'box', '--', 'id', '-u']);
  expect(withCommandSeparator(['exec', '--user=1000', 'box', 'id'])).toEqual(['exec', '--user=1000', 'box', '--', 'id']);
  // Between the name and a --, still sandpit's: split there too, the command's own words left alone.
  expect(withCommandSeparator(['exec', 'box', '-uroot', '--', 'ls', '-uroot'])).toEqual(['exec', 'box', '-u', 'root', '--', 'ls', '-uroot']);
});
