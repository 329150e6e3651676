import { step } from './deadline.js';

export interface Sample {
  median: number;
  min: number;
  max: number;
  n: number;
}

export function summarise(values: number[]): Sample {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { median: Math.round(median), min: Math.round(sorted[0]!), max: Math.round(sorted.at(-1)!), n: sorted.length };
}

/** Runs `once` n times after one unrecorded warm-up, with a pause so teardown I/O stays out of samples. */
export async function measure(n: number, once: () => Promise<number>, pauseMs = 300, what = 'a measured run'): Promise<Sample> {
  await step(what, once);
  const values: number[] = [];
  for (let i = 0; i < n; i++) {
    await new Promise((resolve) => setTimeout(resolve, pauseMs));
    values.push(await step(what, once));
  }
  return summarise(values);
}

/** `a` and `b` alternately, n times each after one unrecorded warm-up of each: drift in the machine's load hits both. */
export async function alternate(n: number, a: () => Promise<number>, b: () => Promise<number>, pauseMs = 300): Promise<[Sample, Sample]> {
  const [as, bs] = await interleave(n, [a, b], pauseMs, false);
  return [as!, bs!];
}

/**
 * Each of `runs` once per round, n rounds after one unrecorded warm-up of each: drift in the machine's
 * load hits all of them alike. `rotate`: each round starts one further along, so none always runs
 * right after the same other (a removal the engine still finishes, a page cache another warmed).
 */
export async function interleave(n: number, runs: (() => Promise<number>)[], pauseMs = 300, rotate = true): Promise<Sample[]> {
  for (const once of runs) await step('a warm-up', once);
  const values: number[][] = runs.map(() => []);
  for (let round = 0; round < n; round++) {
    for (let k = 0; k < runs.length; k++) {
      const i = rotate ? (round + k) % runs.length : k;
      await new Promise((resolve) => setTimeout(resolve, pauseMs));
      values[i]!.push(await step('a measured run', runs[i]!));
    }
  }
  return values.map(summarise);
}

export const ratio = (a: number | undefined, b: number | undefined): number | undefined =>
  a === undefined || b === undefined || b === 0 ? undefined : Math.round((a / b) * 100) / 100;
