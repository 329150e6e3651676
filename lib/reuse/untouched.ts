import type { EngineEvent } from '../docker/socket-reads.js';
import type { WarmReads } from './reads.js';

// httpd and ubuntu keep no data of their own: what changes them is an exec (files written, processes
// left running), a copy into them, or a restart. The engine records each of those as an event, so a
// warm one is as it was when it started exactly when no such event followed its start. Cheap: one
// read of the engine's history (~20 ms here), where diffing its filesystem took 0.4–0.5 s.

/** Events that only read a container; any other after its start may have changed it. */
const READS_ONLY = new Set(['archive-path', 'export', 'commit', 'resize']);

const action = (e: EngineEvent): string => (e.Action ?? e.status ?? '').split(':')[0]!.trim();

/** A container, and a time (unix seconds, engine clock) at or before its creation: where its history starts. */
export interface Seen {
  id: string;
  since: number;
}

/**
 * Whether nothing happened in the container since it started. The engine holds only its last 256
 * events (Docker): when the container's own start is no longer among them, what came after it is
 * not known either, and the answer is no. So is any read that fails.
 */
export async function untouched(reads: Pick<WarmReads, 'events'>, { id, since }: Seen): Promise<boolean> {
  const history = await reads.events({ container: [id], type: ['container'] }, since).catch(() => undefined);
  const started = history?.findIndex((e) => e.id === id && action(e) === 'start') ?? -1;
  if (!history || started < 0) return false;
  return history.slice(started + 1).every((e) => READS_ONLY.has(action(e)));
}
