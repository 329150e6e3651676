import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { alive } from '../cleanup/alive.js';
import { markFile, markFiles } from '../cleanup/reused.js';

// A refresher (refresh-process.ts) removes a changed warm container and starts its replacement: for a
// second or so, neither may be listed. `sandpit down` reads these notes after it listed, so a service
// between the two is neither missed nor left to come back after it: the refresher writes its note
// before it looks at the changed container, so one removed before down listed has a note down sees.

/** A refresher at work, as its note says. */
export interface RefresherNote {
  file: string;
  pid: number;
  name: string;
  /** The changed container it removes: `sandpit down <id>` names the service by it. */
  id: string;
  /** The reuse key it starts the replacement with: that container's, and no other service's of the name. */
  key?: string;
}

/** Written by the refresher once it holds the changed container's lock. */
export function markRefreshing(id: string, name: string, key: string): void {
  writeFileSync(markFile(id, 'refreshing'), JSON.stringify({ pid: process.pid, name, id, key }));
}

export function dropRefreshing(id: string): void {
  rmSync(markFile(id, 'refreshing'), { force: true });
}

/** The refreshers at work now; notes of refreshers that died are removed. */
export function refreshing(): RefresherNote[] {
  const found: RefresherNote[] = [];
  for (const file of markFiles('refreshing')) {
    try {
      const { pid, name, id = '', key } = JSON.parse(readFileSync(file, 'utf8')) as Omit<RefresherNote, 'file'>;
      if (alive(pid)) found.push({ file, pid, name, id, ...(key === undefined ? {} : { key }) });
      else rmSync(file, { force: true });
    } catch {
      // Half-written or removed meanwhile: its refresher is at its first or last step.
    }
  }
  return found;
}

/** Waits until the `wanted` refreshers ended (each gives up within 120 s; a pid taken since bounds it too). */
export async function refreshersEnded(wanted: (note: RefresherNote) => boolean): Promise<void> {
  for (const until = Date.now() + 130_000; refreshing().some(wanted) && Date.now() < until; ) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
