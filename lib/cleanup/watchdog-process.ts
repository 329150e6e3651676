import { createInterface } from 'node:readline';
import { removeByLabel, removeContainer } from './remove.js';
import { LABEL } from './labels.js';

// Runs as its own process (see watchdog.ts). It must outlive the terminal's Ctrl-C and hang-up.
for (const signal of ['SIGINT', 'SIGHUP', 'SIGPIPE'] as const) process.on(signal, () => {});

const session = process.argv[2];
if (!session) process.exit(2);

// "remove <id>" lines: containers the owner is done with (a test run's end), removed right away.
const removing: Promise<unknown>[] = [];
const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  const [verb, id] = line.split(' ');
  if (verb === 'remove' && id) removing.push(removeContainer(id).catch(() => {}));
});
// The owner is gone, however it ended: whatever of its session is left goes too.
lines.on('close', () => {
  Promise.allSettled(removing)
    .then(() => removeByLabel(`${LABEL.session}=${session}`))
    .catch(() => {})
    .finally(() => process.exit(0));
});
