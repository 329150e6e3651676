import { expect, test } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { sweepOrphanNotes } from '../../lib/cleanup/reused.js';
import { LABEL } from '../../lib/cleanup/labels.js';
import { tempFolder } from '../helpers/temp.js';

// Real notes, in a folder of this test's own (made in the test: a filtered run that skips it runs no afterAll
// to remove one made here): in the machine's temp dir the sweep would take other runs' too.
let dir = '';

function note(name: string, { folder = false, ageMs, content = '' }: { folder?: boolean; ageMs: number; content?: string }): string {
  const file = path.join(dir, name);
  if (folder) mkdirSync(file);
  else writeFileSync(file, content);
  const at = (Date.now() - ageMs) / 1000;
  utimesSync(file, at, at);
  return file;
}

const token = () => randomBytes(8).toString('hex');
const id = () => randomBytes(32).toString('hex');

test("the notes of warm containers that are gone go once no one touched them for a minute; a live one's, a recent one and a working resetter's stay", () => {
  dir = tempFolder('reuse-notes');
  const [liveToken, liveId, goneToken, goneId, freshToken, busyId] = [token(), id(), token(), id(), token(), id()];
  const live = [{ Id: liveId, Labels: { [LABEL.claim]: liveToken } }];
  const kept = [
    note(`sandpit-reuse-${liveToken}.lock`, { folder: true, ageMs: 120_000 }), // its container is there (a run killed: it is taken over)
    note(`sandpit-reuse-${liveId}.clean`, { ageMs: 120_000 }),
    note(`sandpit-reuse-${freshToken}.lock`, { folder: true, ageMs: 1000 }), // a run's claim before its container exists
    note(`sandpit-reuse-${busyId}.resetting`, { ageMs: 120_000, content: String(process.pid) }), // a resetter still at work
  ];
  const orphans = [note(`sandpit-reuse-${goneToken}.lock`, { folder: true, ageMs: 120_000 }), note(`sandpit-reuse-${goneId}.clean`, { ageMs: 120_000 })];
  const swept = sweepOrphanNotes(live, { dir });
  expect(swept.sort()).toEqual(orphans.map((file) => path.basename(file)).sort());
  expect(orphans.filter(existsSync)).toEqual([]);
  expect(kept.filter(existsSync)).toEqual(kept);
});
