import isolation from '../isolation/index.cjs';
import type { IsolationMap } from '../isolation/types.js';
import { SandpitError } from '../errors.js';
import type { WorkerCalls } from './exec-server.js';

/**
 * Each worker's own copy of the isolated services, made and reset in the runner's main process on
 * the worker's request. A copy can be made ahead (worker 1 exists in every run, in band too): the
 * global setup makes it before the run begins, and that worker's test files then need not ask.
 */
export class WorkerCopies implements WorkerCalls {
  /** `${name}:${worker}` → that copy, made or being made, for the run `#run`. */
  readonly #made = new Map<string, Promise<void>>();
  #run = '';
  /** Services whose worker 1 copy is the seed already (a warm mysql its resetter left clean): for the first run only. */
  #pristine = new Set<string>();
  /** `${name}:${worker}` → the last reset asked of that copy, while it runs. */
  readonly #resets = new Map<string, Promise<void>>();

  constructor(private readonly map: () => IsolationMap) {}

  /** The first run's worker 1 copies of `names` need no work: a later run (watch mode) copies them as usual. */
  assumeMade(names: Iterable<string>): void {
    for (const name of names) this.#pristine.add(name);
  }

  /**
   * Makes worker `worker`'s copies of every isolated service for `run`, and resolves with the services
   * whose copy exists (made now, or before this run began: assumeMade). That worker need not ask for
   * those. A copy that failed is left out: the worker's own request tries again and reports.
   */
  async ahead(run: string, worker = 1): Promise<string[]> {
    this.#switchTo(run);
    const names = Object.keys(this.map());
    const made = await Promise.allSettled(names.map((name) => this.prepare(name, worker, run)));
    return names.filter((_, i) => made[i]!.status === 'fulfilled');
  }

  prepare(name: string, worker: number, run: string): Promise<void> {
    this.#switchTo(run);
    const key = `${name}:${worker}`;
    const known = this.#made.get(key);
    if (known) return known;
    const making = isolation.prepareWorker(this.#isolated(name), worker);
    // A failed copy is not remembered: the worker's own request tries again and reports.
    making.catch(() => this.#made.get(key) === making && this.#made.delete(key));
    this.#made.set(key, making);
    return making;
  }

  /** A new run (a watch-mode rerun) copies afresh: the last run's tests changed the copies. */
  #switchTo(run: string): void {
    if (run === this.#run) return;
    this.#made.clear();
    this.#run = run;
    for (const made of this.#pristine) this.#made.set(`${made}:1`, Promise.resolve());
    this.#pristine = new Set();
  }

  /**
   * One at a time per copy: two resets of one database at once (a reset() not awaited, Promise.all,
   * Vitest's concurrent tests) each dropped and refilled the same tables under the other, and failed
   * with the server's own errors (a duplicate key, a trigger that exists, a deadlock). The next one
   * starts when the last one (or the copy's making) is done, whatever its outcome.
   */
  reset(name: string, worker: number): Promise<void> {
    const key = `${name}:${worker}`;
    const isolated = this.#isolated(name);
    const before = this.#resets.get(key) ?? this.#made.get(key) ?? Promise.resolve();
    const resetting = before.catch(() => {}).then(() => isolation.resetWorker(isolated, worker));
    this.#resets.set(key, resetting);
    const forget = () => void (this.#resets.get(key) === resetting && this.#resets.delete(key));
    resetting.then(forget, forget);
    return resetting;
  }

  #isolated(name: string) {
    const isolated = this.map()[name];
    if (!isolated) throw new SandpitError('INVALID_OPTION', `sandpit: "${name}" is shared by all workers: it has no copy per worker to prepare or reset. Use isolation: 'worker' (mysql, redis).`);
    return isolated;
  }
}
