import { describe, expect, test } from '@jest/globals';
import type { EngineEvent } from '../../lib/docker/socket-reads.js';
import { untouched } from '../../lib/reuse/untouched.js';

// The rule over the engine's history, on event lists as the two API shapes send them (the real reads are
// tested against the engine in test/integration/warm-untouched.test.ts).
const id = 'c0ffee';
const judge = (history: EngineEvent[]) => untouched({ events: async () => history }, { id, since: 0 });
const old = (...actions: string[]): EngineEvent[] => actions.map((Action) => ({ Type: 'container', Action, status: Action, id }));
// API 1.52 (Docker 29) leaves out `id` and `status`: the container is Actor.ID.
const v152 = (...actions: string[]): EngineEvent[] => actions.map((Action) => ({ Type: 'container', Action, Actor: { ID: id } }));

describe('untouched: what an earlier run did, from the engine history', () => {
  for (const [shape, events] of [['before API 1.52', old], ['API 1.52+', v152]] as const) {
    test(`${shape}: created, started, only read since: untouched`, async () => {
      expect(await judge(events('create', 'extract-to-dir', 'start', 'archive-path', 'export'))).toBe(true);
    });
    test(`${shape}: an exec, a copy in, a restart: changed`, async () => {
      expect(await judge(events('create', 'start', 'exec_create: sh -c x', 'exec_start: sh -c x', 'exec_die'))).toBe(false);
      expect(await judge(events('create', 'start', 'extract-to-dir'))).toBe(false);
      expect(await judge(events('create', 'start', 'kill', 'die', 'start'))).toBe(false);
    });
    test(`${shape}: its creation no longer in the history (a stop and start could hide an exec): changed`, async () => {
      expect(await judge(events('start'))).toBe(false);
      expect(await judge([])).toBe(false);
    });
  }
  test('a history that cannot be read: changed', async () => {
    expect(await untouched({ events: async () => Promise.reject(new Error('no answer')) }, { id, since: 0 })).toBe(false);
  });
});
