import isolation from '../isolation/index.cjs';
import type { IsolationMap } from '../isolation/types.js';
import { SandpitError } from '../errors.js';
import type { WorkerCalls } from './exec-server.js';

/**
 * Each worker's own copy of the isolated services, made and reset in the runner's main process on
 * the worker's request. A copy can be started ahead (worker 1 exists in every run, in band too):
 * it is then made while the runner spawns workers, and the worker's own request joins it.
 */
export class WorkerCopies implements WorkerCalls {
  /** `${name}:${worker}` → that copy, made or being made, for the run `#run`. */
  readonly #made = new Map<string, Promise<void>>();
  #run = '';
  /** Services whose worker 1 copy is the seed already (a warm mysql its resetter left clean): for the first run only. */
  #pristine = new Set<string>();
  /** Those of `#pristine` the current run adopted. */
  #madeBefore = new Set<string>();

  constructor(private readonly map: () => IsolationMap) {}

  /** The first run's worker 1 copies of `names` need no work: a later run (watch mode) copies them as usual. */
  assumeMade(names: Iterable<string>): void {
    for (const name of names) this.#pristine.add(name);
  }

  /**
   * Starts worker `worker`'s copies of every isolated service for `run`; a failure shows when the worker
   * asks. Returns the services whose copy was made before this run began (assumeMade): that worker need not ask.
   */
  ahead(run: string, worker = 1): string[] {
    this.#switchTo(run);
    const made = worker === 1 ? [...this.#madeBefore] : [];
    for (const name of Object.keys(this.map())) this.prepare(name, worker, run).catch(() => {});
    return made;
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
    this.#madeBefore = this.#pristine;
    this.#pristine = new Set();
    for (const made of this.#madeBefore) this.#made.set(`${made}:1`, Promise.resolve());
  }

  reset(name: string, worker: number): Promise<void> {
    return isolation.resetWorker(this.#isolated(name), worker);
  }

  #isolated(name: string) {
    const isolated = this.map()[name];
    if (!isolated) throw new SandpitError('INVALID_OPTION', `sandpit: "${name}" is shared by all workers: it has no copy per worker to prepare or reset. Use isolation: 'worker' (mysql, redis).`);
    return isolated;
  }
}
