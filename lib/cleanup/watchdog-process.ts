import { removeByLabel } from './remove.js';
import { LABEL } from './labels.js';

// Runs as its own process (see watchdog.ts). It must outlive the terminal's Ctrl-C and hang-up.
for (const signal of ['SIGINT', 'SIGHUP', 'SIGPIPE'] as const) process.on(signal, () => {});

const session = process.argv[2];
if (!session) process.exit(2);

process.stdin.resume();
process.stdin.on('close', () => {
  removeByLabel(`${LABEL.session}=${session}`)
    .catch(() => {})
    .finally(() => process.exit(0));
});
