import type { ProgressEvent } from '../types.js';

/** Where progress goes when the caller asked for none: only the lines worth showing in quiet output. */
export const quietProgress = ({ service, message, notice }: ProgressEvent): void => {
  if (notice) process.stderr.write(`sandpit: ${service}: ${message}\n`);
};
