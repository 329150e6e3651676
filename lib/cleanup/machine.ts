import { readlinkSync } from 'node:fs';
import os from 'node:os';

/**
 * Who may judge an owner's pid: processes that see the same pids. The hostname alone is not that:
 * a container on the host's network (`--network host`, some CI jobs) has the host's hostname and a
 * pid namespace of its own, where every pid of the host looks dead, and its sweep removed live
 * sessions' containers. So it is the hostname and the pid namespace (Linux: its inode number),
 * e.g. "build-box@4026531836"; where there is no /proc, the hostname alone.
 */
export const machine: string = (() => {
  try {
    return `${os.hostname()}@${readlinkSync('/proc/self/ns/pid').replace(/\D/g, '')}`;
  } catch {
    return os.hostname();
  }
})();
