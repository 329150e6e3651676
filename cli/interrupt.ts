const EXIT_CODES = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 } as const;

let exiting = false;
let pending: ((signal: NodeJS.Signals) => Promise<unknown>) | undefined;

/** Once a signal arrived, a start failing under the cleanup is expected, not worth reporting. */
export const interrupted = (): boolean => exiting;

/**
 * Until the returned function is called, Ctrl-C, TERM or a hang-up runs `cleanup` and then exits
 * 128 + the signal's number, as a shell expects. A second Ctrl-C exits at once: what is left
 * then is the watchdog's to reap.
 */
export function onInterrupt(cleanup: (signal: NodeJS.Signals) => Promise<unknown>): () => void {
  pending = cleanup;
  // Loaded now, not on the way out: a removal must not wait on the module loader.
  void import('../lib/cleanup/remove.js').catch(() => {});
  const handlers = Object.entries(EXIT_CODES).map(([signal, code]) => {
    const handler = () => {
      if (exiting) process.exit(code);
      exiting = true;
      if (process.stderr.isTTY) process.stderr.write('\u001B[?25h\n'); // the live view hides the cursor
      void cleanup(signal as NodeJS.Signals)
        .catch(() => {})
        .finally(() => process.exit(code));
    };
    process.on(signal, handler);
    return [signal, handler] as const;
  });
  // The command that started this one ended without passing its signal on (npx killed by a CI script's
  // `kill $!`: npm exits, sandpit is left to pid 1 with its services up): taken as a hang-up.
  const parent = process.ppid;
  const orphaned = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(orphaned); // once: a second call is a second Ctrl-C, which exits at once
    handlers.find(([signal]) => signal === 'SIGHUP')![1]();
  }, PARENT_CHECK_MS);
  orphaned.unref();
  return () => {
    if (pending === cleanup) pending = undefined;
    clearInterval(orphaned);
    for (const [signal, handler] of handlers) process.off(signal, handler);
  };
}

/** How often a run looks whether its parent is gone: a read of the kernel's, each time. */
const PARENT_CHECK_MS = 1000;

/** What a signal would run now (a command past its deadline ends the same way); nothing if none. */
export async function runCleanup(signal: NodeJS.Signals): Promise<void> {
  if (!exiting && pending) {
    exiting = true;
    await pending(signal);
  }
}

/** Keeps the process alive until a signal handler exits it: listeners alone do not. */
export function waitForever(): Promise<never> {
  setInterval(() => {}, 1 << 30);
  return new Promise<never>(() => {});
}

/**
 * Removes every container of this process's session: those started, and those still starting.
 * `sayNone: false` when warm ones (reuse) are handed back instead: "removed 0" would only confuse.
 */
export async function removeSession({ sayNone = true }: { sayNone?: boolean } = {}): Promise<void> {
  const [{ removeByLabel }, { LABEL, sessionId }] = await Promise.all([import('../lib/cleanup/remove.js'), import('../lib/cleanup/labels.js')]);
  const removed = await removeByLabel(`${LABEL.session}=${sessionId}`);
  if (removed.length > 0 || sayNone) process.stderr.write(`sandpit: removed ${removed.length} container${removed.length === 1 ? '' : 's'}\n`);
}
