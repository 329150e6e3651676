import type { EngineEvent } from '../docker/socket-reads.js';
import type { WarmReads } from './reads.js';

// httpd and ubuntu keep no data of their own: what changes them through the engine is an exec (files
// written, processes left running), a copy into them, or a restart, and the engine records each as an
// event. (Changes from the host itself, e.g. nsenter, leave none: not covered.) Cheap: one
// read of the engine's history (~20 ms here), where diffing its filesystem took 0.4–0.5 s.

/** Events that only read a container (a copy out, an export); any other after its start may have changed it. */
const READS_ONLY = new Set(['archive-path', 'export', 'commit', 'resize']);

const action = (e: EngineEvent): string => (e.Action ?? e.status ?? '').split(':')[0]!.trim();

/** A container, and a time (unix seconds, engine clock) at or before its creation: where its history starts. */
export interface Seen {
  id: string;
  since: number;
}

/**
 * Whether nothing happened in the container since it started: its history, from its creation, holds
 * one start and after it only reads. The engine holds only its last 256 events (Docker): when the
 * container's creation is no longer among them, a later restart could hide what came before it, so
 * the answer is no. So is any read that fails.
 */
export async function untouched(reads: Pick<WarmReads, 'events'>, { id, since }: Seen): Promise<boolean> {
  const history = await reads.events({ container: [id], type: ['container'] }, since).catch(() => undefined);
  const mine = (history ?? []).filter((e) => (e.Actor?.ID ?? e.id) === id).map(action);
  const started = mine.indexOf('start');
  if (mine[0] !== 'create' || started < 0 || mine.lastIndexOf('start') !== started) return false;
  return mine.slice(started + 1).every((a) => READS_ONLY.has(a));
}
