import type { Sample } from './stats.js';

export interface Row {
  case: string;
  sandpit?: Sample;
  raw?: Sample;
  testcontainers?: Sample;
  /** sandpit ÷ raw, sandpit ÷ testcontainers, or sandpit ÷ the case's own baseline. */
  ratios: Record<string, number | undefined>;
  target?: string;
}
