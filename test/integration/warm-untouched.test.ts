import { afterAll, describe, expect, test } from '@jest/globals';
import { execa } from 'execa';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { removeContainer } from '../../lib/cleanup/remove.js';
import { CLAIMS_DIR, resetterAlive } from '../../lib/cleanup/reused.js';
import { docker } from '../../lib/docker/client.js';
import type { Warm } from '../../lib/reuse/start.js';
import type { StartOptions } from '../../lib/types.js';
import { eventually } from '../helpers/engine.js';
import { presetImage } from '../helpers/images.js';
import { expectExit, sandpit, saw } from '../cli/run.js';
import { holdOffPrunes } from '../helpers/prune-lock.js';

// Other files' prunes would take the idle warm containers this file hands back and takes over.
holdOffPrunes();

// The built library: lib/runner reaches lib/isolation's CommonJS sources (.cts), which this Jest
// config does not transform; `npm test` builds dist/ first.
const { startWarm } = (await import('../../dist/lib/runner/warm.js' as string)) as typeof import('../../lib/runner/warm.js');
const { fullReads } = (await import('../../dist/lib/reuse/reads.js' as string)) as typeof import('../../lib/reuse/reads.js');
const { untouched } = (await import('../../dist/lib/reuse/untouched.js' as string)) as typeof import('../../lib/reuse/untouched.js');
const { reuseKey } = (await import('../../dist/lib/reuse/key.js' as string)) as typeof import('../../lib/reuse/key.js');

// httpd and ubuntu have no data reset: a warm one is taken over only while no exec or copy into it
// followed its start. A run that changed one hands it to a refresher (a detached process) that puts
// a new one in its place; one changed otherwise is replaced by the next run itself.
describe('warm reuse of services with no data reset (httpd, ubuntu, custom images)', () => {
  // Names of their own: another configuration's warm containers never match these.
  const box = `box${process.pid}`;
  const web = `web${process.pid}`;
  const names = [box, web, `${box}f`, `${box}h`, `${box}x`, `${box}d`, `custom${process.pid}`];

  const run = async (list: StartOptions[] = [{ preset: 'ubuntu', name: box }, { preset: 'httpd', name: web }]) => {
    const warm = await startWarm(list, { idleMs: 600_000 });
    return { ...warm, ids: Object.fromEntries(warm.services.map((s) => [s.name, s.containerId])) };
  };
  const release = (warm: Warm) => Promise.all([...warm.releases.values()].map((r) => r()));
  const serviceOf = (warm: Warm, name: string) => warm.services.find((s) => s.name === name)!;
  const gone = async (id: string) => (await execa('docker', ['inspect', id], { reject: false })).exitCode !== 0;
  /** The containers of a service name, with whether a process holds their reuse lock now. */
  const warmOf = async (name: string) => {
    const { stdout } = await execa('docker', ['ps', '-a', '--filter', `label=sandpit.name=${name}`, '--format', '{{.ID}} {{.Label "sandpit.reuse.claim"}}']);
    return stdout.split('\n').filter(Boolean).map((line) => {
      const [id, token] = line.split(' ');
      return { id: id!, held: existsSync(path.join(CLAIMS_DIR, `sandpit-reuse-${token}.lock`)) };
    });
  };
  /** Until the refresher of `name` is done: the changed container gone, its replacement ready and handed back. */
  const refreshed = (name: string, changed: string) =>
    eventually(async () => {
      const now = await warmOf(name);
      return (await gone(changed)) && now.length === 1 && !now[0]!.held;
    }, 60_000);

  afterAll(async () => {
    // Refreshers are awaited in each test (refreshed()); whatever is left of these names goes.
    const left = (await Promise.all(names.map(warmOf))).flat();
    await Promise.allSettled(left.map((c) => removeContainer(c.id)));
  });

  test('untouched ones are taken over; ones a run changed are replaced, by a refresher or by the next run', async () => {
    const first = await run();
    await release(first);

    const second = await run();
    expect(second.ids).toEqual(first.ids);
    expect([...second.reused].sort()).toEqual([box, web].sort());
    // What a test of that run does: a file and a process left in the box, the served page rewritten.
    expect((await serviceOf(second, box).exec(['sh', '-c', 'echo left > /tmp/left; sleep 600 >/dev/null 2>&1 &'])).exitCode).toBe(0);
    expect((await serviceOf(second, web).exec(['sh', '-c', 'echo changed > /usr/local/apache2/htdocs/index.html'])).exitCode).toBe(0);
    await release(second);
    // Handed back changed: a refresher removes them and leaves new ones, warm.
    expect(await refreshed(box, first.ids[box]!)).toBe(true);
    expect(await refreshed(web, first.ids[web]!)).toBe(true);

    const third = await run();
    expect([...third.reused].sort()).toEqual([box, web].sort());
    expect(third.replaced.size).toBe(0);
    expect(third.ids[box]).not.toBe(first.ids[box]);
    expect(third.ids[web]).not.toBe(first.ids[web]);
    expect(await (await fetch(serviceOf(third, web).url)).text()).toContain('sandpit httpd');
    await release(third);
    // Its resetter's look at what it handed back is over first: a look that came after the changes below
    // (a slow machine: CI once) has a refresher replace them, and the next run then starts its own web
    // while that one is claimed, never counting it as replaced. These are changes no refresher knows of.
    expect(await eventually(async () => !resetterAlive(third.ids[web]!) && !resetterAlive(third.ids[box]!), 30_000, 25)).toBe(true);
    // Changed after the run handed them back (no refresher knows): a copy into the page's folder
    // through the engine (`docker cp`), and an exec in the box from outside.
    await execa('docker', ['cp', '/etc/hostname', `${third.ids[web]}:/usr/local/apache2/htdocs/copied.txt`]);
    await execa('docker', ['exec', third.ids[box]!, 'touch', '/tmp/outside']);

    const fourth = await run();
    expect([...fourth.replaced].sort()).toEqual([box, web].sort());
    expect(fourth.ids[web]).not.toBe(third.ids[web]);
    expect(fourth.ids[box]).not.toBe(third.ids[box]);
    expect(await gone(third.ids[web]!)).toBe(true);
    expect(await gone(third.ids[box]!)).toBe(true);
    expect((await fetch(`${serviceOf(fourth, web).url}copied.txt`)).status).toBe(404);
    await release(fourth);
    // Looked at only now, from outside (no refresher): none of what the earlier boxes had.
    const { stdout } = await execa('docker', ['exec', fourth.ids[box]!, 'sh', '-c', 'test ! -e /tmp/left && test ! -e /tmp/outside && ps -eo comm | grep -c "^sleep$"']);
    expect(stdout.trim()).toBe('1');
  }, 120_000);

  test('through the full client (as on a remote engine), the same events decide', async () => {
    const warm = await run([{ preset: 'ubuntu', name: `${box}f` }]);
    const id = warm.services[0]!.containerId;
    await release(warm);
    const filters = { label: [`sandpit.reuse`], id: [id] };
    const seen = async () => {
      const { Created } = (await fullReads(filters)).found[0]!;
      return { id, since: Created - 1 };
    };
    expect(await untouched(await fullReads(filters), await seen())).toBe(true);
    await execa('docker', ['exec', id, 'true']);
    expect(await untouched(await fullReads(filters), await seen())).toBe(false);
  });

  test("once the engine no longer holds the box's start among its recent events, the box is not taken over", async () => {
    const list: StartOptions[] = [{ preset: 'ubuntu', name: `${box}h` }];
    const first = await run(list);
    await release(first);
    // Docker keeps its last 256 events: 2 × 140 image events (tag, untag) push the box's out.
    const engine = (await docker()).container.dockerode;
    const image = engine.getImage(await presetImage('ubuntu'));
    const repo = `sandpit-flood-${process.pid}/t`;
    const tags = Array.from({ length: 140 }, (_, i) => `t${i}`);
    try {
      for (let i = 0; i < tags.length; i += 20) await Promise.all(tags.slice(i, i + 20).map((tag) => image.tag({ repo, tag })));
    } finally {
      for (let i = 0; i < tags.length; i += 20) await Promise.allSettled(tags.slice(i, i + 20).map((tag) => engine.getImage(`${repo}:${tag}`).remove()));
    }
    const second = await run(list);
    // Not taken over: replaced by this run (or, if a read failed when the first run handed it back, by
    // a refresher; both are "not known to be untouched").
    expect(second.services[0]!.containerId).not.toBe(first.services[0]!.containerId);
    expect(second.reused.size).toBe(0);
    expect(await eventually(() => gone(first.services[0]!.containerId), 30_000)).toBe(true);
    await release(second);
  }, 120_000);

  test('a failed start leaves nothing, and no refresher starts one later', async () => {
    const list: StartOptions[] = [{ preset: 'ubuntu', name: `${box}x` }, { preset: 'redis', name: `cache${process.pid}x`, initScripts: ['NOT-A-COMMAND 1'] }];
    await expect(startWarm(list, { idleMs: 600_000 })).rejects.toThrow(/NOT-A-COMMAND|unknown command/i);
    // A refresher would have started within a second or two.
    await new Promise((resolve) => setTimeout(resolve, 4000));
    expect(await warmOf(`${box}x`)).toEqual([]);
    expect(await warmOf(`cache${process.pid}x`)).toEqual([]);
  }, 60_000);

  test('a custom image is never kept warm: each run starts its own, removed at its end', async () => {
    const custom: StartOptions[] = [{ image: await presetImage('httpd'), name: `custom${process.pid}`, ports: [80], ready: { http: '/' } }];
    const first = await run(custom);
    expect(first.releases.size).toBe(0);
    const second = await run(custom);
    expect(second.reused.size).toBe(0);
    expect(second.services[0]!.containerId).not.toBe(first.services[0]!.containerId);
    await Promise.all([...first.services, ...second.services].map((s) => s.stop()));
    expect(await gone(first.services[0]!.containerId)).toBe(true);
  }, 60_000);

  test('sandpit down while a refresher replaces the box: down waits for it, and nothing of that name is left', async () => {
    const name = `${box}d`;
    const first = await run([{ preset: 'ubuntu', name }]);
    expect((await serviceOf(first, name).exec(['true'])).exitCode).toBe(0);
    const changed = first.ids[name]!;
    await release(first); // changed: a refresher replaces it
    // Its note says it holds the lock: from here it removes the box and starts another (~1 s).
    const note = path.join(CLAIMS_DIR, `sandpit-reuse-${changed}.refreshing`);
    expect(await eventually(async () => existsSync(note), 10_000, 10)).toBe(true);
    const down = await sandpit(['down', name]);
    expectExit(down, 0);
    // It may have waited for the refresher first (a line saying so): the count is on the last line.
    expect(down.stderr.split('\n').at(-1)).toMatch(new RegExp(`^sandpit: removed [12] services?: ${name}$`));
    // Once its refresher is surely done, still nothing: a replacement started after down would show here.
    expect(await eventually(async () => !existsSync(note), 60_000)).toBe(true);
    expect(await warmOf(name)).toEqual([]);
  });

  /**
   * `sandpit down <arg>` at the moment a refresher of `name` is between its steps (changed box gone,
   * replacement not up yet), held still: a process standing for the refresher, and its note
   * (lib/reuse/refreshing.ts). Down must wait; the replacement comes up meanwhile, then the refresher
   * ends and drops its note. Returns down's result and the replacement.
   */
  async function downWhileRefreshing(arg: string, note: { name: string; id?: string; key?: string }, options: StartOptions) {
    const refresher = execa('sleep', ['60'], { reject: false });
    const file = path.join(CLAIMS_DIR, `sandpit-reuse-${note.id ?? `standin${process.pid}`}.refreshing`);
    writeFileSync(file, JSON.stringify({ pid: refresher.pid, ...note }));
    try {
      const down = sandpit(['down', arg]);
      await saw(down, `sandpit: waiting for ${note.name} to be replaced by a refresher`);
      const replacement = await run([options]);
      await release(replacement);
      expect(down.exitCode).toBeNull(); // still waiting
      rmSync(file);
      refresher.kill();
      const result = await down;
      expectExit(result, 0);
      expect(result.stderr.split('\n').at(-1)).toBe(`sandpit: removed 1 service: ${note.name}`);
      return { replacement };
    } finally {
      refresher.kill();
      rmSync(file, { force: true });
    }
  }

  test('sandpit down of a name a refresher is between its steps on (changed box gone, replacement not up yet): no NOT_FOUND, it waits, then removes the replacement', async () => {
    const name = `${box}d`;
    await downWhileRefreshing(name, { name }, { preset: 'ubuntu', name });
    expect(await warmOf(name)).toEqual([]);
  });

  test('sandpit down <container id> of a box a refresher replaces: it waits, then removes that replacement and no other warm box of the name', async () => {
    const name = `${box}d`;
    const options: StartOptions = { preset: 'ubuntu', name };
    // Another configuration's warm box of the same name: down by id must leave it.
    const mount = mkdtempSync(path.join(os.tmpdir(), 'sandpit-down-'));
    try {
      const other = await run([{ preset: 'ubuntu', name, mount }]);
      await release(other);
      const changed = randomBytes(32).toString('hex');
      const { replacement } = await downWhileRefreshing(changed.slice(0, 12), { name, id: changed, key: await reuseKey(options) }, options);
      expect(await gone(replacement.ids[name]!)).toBe(true);
      expect(await gone(other.ids[name]!)).toBe(false);
    } finally {
      rmSync(mount, { recursive: true, force: true });
    }
  });
});
