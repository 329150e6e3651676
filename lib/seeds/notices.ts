/**
 * How a script of sandpit's own, run with the seeds, tells the start something worth showing (a dump
 * that filled another database than the url's): a line of the container's log that begins with this.
 */
export const NOTICE_MARK = '[sandpit notice] ';

/** The notices in a log, in order, once each. */
export function noticesIn(logs: string): string[] {
  const found = logs.split('\n').flatMap((line) => {
    const at = line.indexOf(NOTICE_MARK);
    return at < 0 ? [] : [line.slice(at + NOTICE_MARK.length).trim()];
  });
  return [...new Set(found.filter(Boolean))];
}
