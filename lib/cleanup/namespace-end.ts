import { readFileSync, readlinkSync } from 'node:fs';
import { constants } from 'node:os';
import type { Writable } from 'node:stream';
import { onExit } from 'signal-exit';

/** The pid namespace every Linux machine starts with (PROC_PID_INIT_INO): not a container's. */
const FIRST_PID_NAMESPACE = '4026531836';
/** A pid 1 that outlives what it started: a system container's service manager. */
const LASTING_INITS = new Set(['systemd', 'init']);

/** /proc/<pid>/stat after "pid (comm) ": [state, ppid, …] (comm may hold spaces and parentheses: the last ')' ends it). */
function statOf(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined; // gone, or no /proc
  }
}

/** The parent of `pid` in this namespace (0: none here, as for what `docker exec` starts); undefined if unreadable. */
function parentOf(pid: number): number | undefined {
  const fields = statOf(pid);
  return fields ? Number(fields[1]) : undefined;
}

let measured: boolean | undefined;

/**
 * Whether this process's pid namespace ends with it: we run in a container (not the machine's first pid
 * namespace) whose pid 1 is this process or one of its ancestors (`docker run … npm test`, a CI job's
 * script). When pid 1 exits, the kernel kills every process left in the namespace: the watchdog too, before
 * it removed anything (a redis started by a script run as pid 1 stayed after `docker run` returned). A
 * process that `docker exec` started descends from outside the namespace, and there the watchdog lives on.
 */
export function endsWithUs(): boolean {
  if (measured !== undefined) return measured;
  measured = false;
  try {
    if (readlinkSync('/proc/self/ns/pid').replace(/\D/g, '') === FIRST_PID_NAMESPACE) return measured;
  } catch {
    return measured; // no /proc: not Linux, nothing to judge by
  }
  let pid: number | undefined = process.pid;
  for (let hops = 0; pid !== undefined && pid > 1 && hops < 64; hops++) pid = parentOf(pid);
  if (pid !== 1) return measured;
  let init = '';
  try {
    init = readFileSync('/proc/1/comm', 'utf8').trim();
  } catch {
    // Unreadable: judged by the ancestry alone.
  }
  measured = !LASTING_INITS.has(init);
  return measured;
}

/** Whether `pid` still runs: not gone, and not a zombie (ours, which no event loop reaps during a synchronous wait). */
function running(pid: number): boolean {
  const fields = statOf(pid);
  return fields !== undefined && fields[0] !== 'Z';
}

/** Longer than the watchdog takes (its second look for a detached start in flight waits 3 s). */
const WAIT_MS = 15_000;

/**
 * Where the namespace ends with this process, its end waits for the watchdog: the pipe is closed, which is the
 * watchdog's cue, and the end is held, synchronously, until the watchdog is done. signal-exit says when: a
 * natural end, process.exit() (a runner's own, after its teardown), and a signal that nothing else here
 * handles (by default SIGTERM ended the process without any `exit` event). With another handler of the signal
 * (a runner's, the CLI's, the program's), that one decides, and its exit is held. Only SIGKILL is beyond this.
 */
export function holdExitForWatchdog(watchdog: number, pipe: Writable): void {
  onExit(
    (_code, signal) => {
      pipe.destroy();
      const pause = new Int32Array(new SharedArrayBuffer(4));
      for (const until = Date.now() + WAIT_MS; running(watchdog) && Date.now() < until; ) Atomics.wait(pause, 0, 0, 20);
      // pid 1 ignores a signal it has no handler for: signal-exit's re-raise left it running until `docker stop`'s SIGKILL, 10 s on.
      if (signal && process.pid === 1) process.exit(128 + (constants.signals[signal as keyof typeof constants.signals] ?? 0));
    },
    { alwaysLast: true },
  );
}
