import { rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { removeContainer } from './remove.js';
import { LABEL } from './labels.js';
import { engineCalls } from '../docker/calls.js';

// Runs as its own process (see watchdog.ts). It must outlive the terminal's Ctrl-C and hang-up.
for (const signal of ['SIGINT', 'SIGHUP', 'SIGPIPE'] as const) process.on(signal, () => {});

const session = process.argv[2];
if (!session) process.exit(2);

// "remove <id>" lines: containers the owner is done with (a test run's end), removed right away.
// "folder <path>" lines: the owner's own folders in the temp dir, removed once it is gone.
// "starting": a detached container is about to be created (watchdog.ts startingDetached).
// "keep <id>" lines: detached containers whose start is over, which outlive the owner (watchdog.ts keepDetached).
// "group <pid>" / "ungroup <pid>": a process group the owner runs (a setup command), killed first if the owner dies.
// "done": the owner left nothing to remove; the engine is not asked.
const removing: Promise<unknown>[] = [];
const folders: string[] = [];
const kept = new Set<string>();
const groups = new Set<number>();
let detachedStarts = false;
let done = false;
const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  const [verb, id] = line.split(' ');
  if (verb === 'remove' && id) removing.push(removeContainer(id).catch(() => {}));
  if (verb === 'starting') detachedStarts = true;
  if (verb === 'keep' && id) kept.add(id);
  if (verb === 'done') done = true;
  if (verb === 'group' && id) groups.add(Number(id));
  if (verb === 'ungroup' && id) groups.delete(Number(id));
  if (verb === 'folder') folders.push(line.slice('folder '.length));
});

/**
 * The session's containers, and the detached ones it started and never said were done starting. One list
 * (over ssh:// each is a login of its own), sorted out here.
 */
async function leftovers(): Promise<void> {
  const found = await (await engineCalls()).list({ label: [LABEL.managed] });
  const left = found.filter((c) => c.Labels[LABEL.session] === session || (c.Labels[LABEL.starter] === session && !kept.has(c.Id)));
  await Promise.allSettled(left.map((c) => removeContainer(c.Id)));
}

// Only what sandpit makes there (sandpit-* directly in the temp dir): never a path it was not meant to remove.
const ours = (folder: string) => path.dirname(folder) === os.tmpdir() && path.basename(folder).startsWith('sandpit-');
// The owner is gone, however it ended: whatever of its session is left goes too. A detached container
// whose create was still on its way when the owner died appears after the first look: a second, later.
lines.on('close', () => {
  // Before the containers: a migration still at work would otherwise fail loudly against a vanished database.
  for (const group of groups) {
    try {
      process.kill(-group, 'SIGKILL');
    } catch {
      // already over
    }
  }
  Promise.allSettled(removing)
    .then(async () => {
      if (done) return;
      await untilReached(leftovers);
      if (detachedStarts) {
        await new Promise((resolve) => setTimeout(resolve, CREATE_IN_FLIGHT_MS));
        await leftovers().catch(() => {});
      }
    })
    .catch(() => {})
    .finally(() => {
      for (const folder of folders.filter(ours)) rmSync(folder, { recursive: true, force: true });
      process.exit(0);
    });
});

/**
 * An engine that does not answer when the owner ends (a remote one's network down for a while, the owner given
 * up on it) is asked again, for a while: one try left the containers running there for good.
 */
async function untilReached(work: () => Promise<void>): Promise<void> {
  for (const until = Date.now() + UNREACHED_MS; ; ) {
    try {
      return await work();
    } catch {
      if (Date.now() > until) return;
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
  }
}

const UNREACHED_MS = 10 * 60_000;

/** Longer than a create the engine has begun takes (~0.1 s here; a loaded or remote engine, more). */
const CREATE_IN_FLIGHT_MS = 3000;
