import { describe, expect, test } from '@jest/globals';
import { execa } from 'execa';
import { sessionId } from '../../lib/cleanup/labels.js';
import { engineCalls, type EngineCalls } from '../../lib/docker/calls.js';
import { measure } from '../../lib/files/visibility.js';
import { offlineTag } from '../../lib/images/offline.js';
import { presets } from '../../lib/presets/index.js';

/** The engine's calls, each one's name recorded as it is made. */
function recorded(engine: EngineCalls, made: string[]): EngineCalls {
  return new Proxy(engine, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        made.push(String(key));
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}

// Whether the engine sees this machine's files (httpd's served folder is then a bind mount, not a copy).
// The engine that refuses a missing bind source at create and takes a fresh random one shares our disk:
// that is the whole answer, without reading through a container (which mounts its file system, ~360 ms
// of a busy engine's time when four services start). Engines that create whatever a bind names (Podman)
// are read through (podman.test.ts); engines that do not share our disk answer no (remote-engine.test.ts).
describe('whether the engine sees local files', () => {
  test('Docker on this machine: yes, from two creates, with no read through a container, and nothing left', async () => {
    const made: string[] = [];
    const image = offlineTag('httpd', presets.httpd.offline);
    await execa('docker', ['image', 'inspect', image]); // the image the probe creates from (built by images build)
    expect(await measure(recorded(await engineCalls(), made), image)).toBe(true);
    expect(made.sort()).toEqual(['create', 'create', 'remove']); // the absent path's create was refused
    const { stdout } = await execa('docker', ['ps', '-aq', '--filter', 'label=sandpit.name=visibility-probe', '--filter', `label=sandpit.session=${sessionId}`]);
    expect(stdout).toBe('');
  });
});
