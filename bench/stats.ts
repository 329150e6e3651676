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
  await step('a warm-up', a);
  await step('a warm-up', b);
  const as: number[] = [];
  const bs: number[] = [];
  for (let i = 0; i < n; i++) {
    for (const [once, into] of [[a, as], [b, bs]] as const) {
      await new Promise((resolve) => setTimeout(resolve, pauseMs));
      into.push(await step('a measured run', once));
    }
  }
  return [summarise(as), summarise(bs)];
}

export const ratio = (a: number | undefined, b: number | undefined): number | undefined =>
  a === undefined || b === undefined || b === 0 ? undefined : Math.round((a / b) * 100) / 100;
