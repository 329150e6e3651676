import { describe, expect, test } from '@jest/globals';
import type { IsolationMap } from '../../lib/isolation/types.js';
// The built files: these load the CommonJS isolation module (.cts), which this suite's transform leaves alone.
import isolation from '../../dist/lib/isolation/index.cjs';
import { WorkerCopies } from '../../dist/lib/runner/copies.js';

// Nothing listens on port 1: a copy that is really made fails at once, and is then not listed (the
// worker asks, and sees why). Copies that succeed are covered by test/jest/isolation.test.ts.
const map: IsolationMap = { db: { preset: 'redis', host: '127.0.0.1', port: 1, databases: 16 } };

describe("worker 1's copies made before the run", () => {
  test("a warm server's copy counts for the first run only; a watch-mode rerun copies afresh, and a failed copy is not listed", async () => {
    const copies = new WorkerCopies(() => map);
    copies.assumeMade(['db']);
    expect(await copies.ahead('run-1')).toEqual(['db']);
    expect(await copies.ahead('run-1', 2)).toEqual([]);
    expect(await copies.ahead('run-2')).toEqual([]);
  });

  test('a test file of worker 1 skips asking only for the run the list was made for', () => {
    const env = { [isolation.READY_ENV]: 'run-1:db,cache' };
    expect(isolation.readyFor(1, 'run-1', env)).toEqual(['db', 'cache']);
    expect(isolation.readyFor(2, 'run-1', env)).toEqual([]);
    expect(isolation.readyFor(1, 'run-2', env)).toEqual([]);
    expect(isolation.readyFor(1, undefined, env)).toEqual([]);
    expect(isolation.readyFor(1, 'run-1', { [isolation.READY_ENV]: 'run-1:' })).toEqual([]);
  });
});
