import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { alive } from '../cleanup/alive.js';
import { markFile, markFiles } from '../cleanup/reused.js';

// A refresher (refresh-process.ts) removes a changed warm container and starts its replacement: for a
// second or so, neither may be listed. `sandpit down` reads these notes after it listed, so a service
// between the two is neither missed nor left to come back after it: the refresher writes its note
// before it looks at the changed container, so one removed before down listed has a note down sees.

/** Written by the refresher once it holds the changed container's lock: its pid and the service's name. */
export function markRefreshing(id: string, name: string): void {
  writeFileSync(markFile(id, 'refreshing'), JSON.stringify({ pid: process.pid, name }));
}

export function dropRefreshing(id: string): void {
  rmSync(markFile(id, 'refreshing'), { force: true });
}

/** The names of the services refreshers work on now; notes of refreshers that died are removed. */
export function refreshing(): { file: string; name: string; pid: number }[] {
  const found: { file: string; name: string; pid: number }[] = [];
  for (const file of markFiles('refreshing')) {
    try {
      const { pid, name } = JSON.parse(readFileSync(file, 'utf8')) as { pid: number; name: string };
      if (alive(pid)) found.push({ file, name, pid });
      else rmSync(file, { force: true });
    } catch {
      // Half-written or removed meanwhile: its refresher is at its first or last step.
    }
  }
  return found;
}

/** Waits until the refreshers of services `wanted` names ended (each gives up within 120 s; a pid taken since bounds it too). */
export async function refreshersEnded(wanted: (name: string) => boolean): Promise<void> {
  for (const until = Date.now() + 130_000; refreshing().some((r) => wanted(r.name)) && Date.now() < until; ) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
