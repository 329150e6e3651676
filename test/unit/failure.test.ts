import { expect, test } from '@jest/globals';
import { normalise } from '../../lib/options/normalise.js';
import { SandpitError } from '../../lib/errors.js';
import { failure } from '../../lib/service/failure.js';

// A preset given another image: the engine's "executable file not found" at start gets a hint saying
// which image to give. Other "no such file" failures (a bind source missing on a remote engine, at
// create) are not about the image, and must not be blamed on it.
const withImage = normalise({ preset: 'redis', name: 'cache', image: 'example/httpd:1' });
const hint = 'The image example/httpd:1 lacks what the redis preset runs';

test("a start's 'executable file not found' with an image given: the hint names the image", () => {
  const error = failure(withImage, 'start', new Error('exec: "redis-server": executable file not found in $PATH'), '');
  expect(error.message).toContain(hint);
});

test("'no such file or directory' at create (a missing bind source): no hint about the image", () => {
  const error = failure(withImage, 'create', new Error('invalid mount config for type "bind": bind source path does not exist: /srv/data: no such file or directory'), '');
  expect(error.message).toBe('cache: failed at create: invalid mount config for type "bind": bind source path does not exist: /srv/data: no such file or directory');
});

test("'no such file or directory' at start: no hint either (only a missing program is the image's fault)", () => {
  const error = failure(withImage, 'start', new Error('error mounting "/srv/app.conf" to rootfs at "/etc/app.conf": no such file or directory'), '');
  expect(error.message).not.toContain(hint);
});

test('without an image option the preset chose the image: no hint', () => {
  const error = failure(normalise({ preset: 'redis', name: 'cache' }), 'start', new Error('exec: "redis-server": executable file not found in $PATH'), '');
  expect(error.message).not.toContain('lacks what');
});

test("an error passed on from a container of its own (a snapshot's build) keeps that container's logs", () => {
  const n = normalise({ preset: 'mysql', name: 'db' });
  const built = failure(n, 'ready', new SandpitError('INIT_SCRIPT_FAILED', 'mysql: init script bad.sql failed: ERROR 1064'), 'line 1\nline 2\n');
  const passedOn = failure(n, 'build', built, ''); // lib/service/plan.ts: the build, with no container of the start's own
  expect([passedOn.logs, passedOn.message.split('\n').at(-1)]).toEqual(['line 1\nline 2', 'line 2']);
});

test('an option error keeps its option; one the preset could not check (ENOTDIR) is INVALID_OPTION naming the service', () => {
  const n = normalise({ preset: 'httpd', name: 'site' });
  const named = failure(n, 'config', new SandpitError('INVALID_OPTION', 'httpd: root "x" does not exist', { option: 'root' }), '');
  expect([named.code, named.option, named.message]).toEqual(['INVALID_OPTION', 'root', 'site (httpd): root "x" does not exist']);
  const plain = failure(n, 'config', new Error("ENOTDIR: not a directory, stat 'file.txt/x'"), '');
  expect([plain.code, plain.message]).toEqual(['INVALID_OPTION', "site: ENOTDIR: not a directory, stat 'file.txt/x'. Check its options."]);
});
