import { afterEach } from '@jest/globals';
import type { ResultPromise } from 'execa';

const running = new Map<ResultPromise, { group: boolean }>();

/**
 * Remembers a child process until it ends. A failed assertion skips a test's own kill(), and a
 * forgotten `up` or `jest --watchAll` would keep this Jest from ever exiting; the hook below
 * SIGKILLs whatever a test left running (sandpit's watchdog then removes its containers).
 */
export function track<T extends ResultPromise>(child: T, { group = false } = {}): T {
  running.set(child, { group });
  const forget = () => running.delete(child);
  child.then(forget, forget);
  return child;
}

afterEach(async () => {
  const left = [...running];
  for (const [child, { group }] of left) {
    try {
      if (group && child.pid) process.kill(-child.pid, 'SIGKILL');
      else child.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
  await Promise.allSettled(left.map(([child]) => child));
});
