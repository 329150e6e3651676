import { interrupted } from './interrupt.js';

/**
 * A foreground `up` serves until Ctrl-C; a service whose container stops meanwhile (it crashed, ran
 * out of memory, or someone ran `docker rm -f`) is said at once, not found out at Ctrl-C. Once every
 * one has ended there is nothing left to serve: `allEnded` runs (the caller cleans up and exits 1).
 */
export async function watchServices(services: { name: string; containerId: string }[], allEnded: () => Promise<void>): Promise<void> {
  const { engineCalls } = await import('../lib/docker/calls.js');
  const engine = await engineCalls();
  let left = services.length;
  for (const service of services) {
    const said = (line: string) => {
      if (!interrupted()) process.stderr.write(`sandpit: ${service.name} ${line}; it no longer answers\n`); // Ctrl-C's own removal is no news
    };
    void engine
      .wait(service.containerId, new AbortController().signal)
      .then(
        ({ StatusCode }) => said(`stopped${StatusCode === undefined ? '' : ` (exit code ${StatusCode}${StatusCode === 137 ? ': killed' : ''})`}`),
        () => said('is gone: its container was removed, not by sandpit'),
      )
      .then(async () => {
        left -= 1;
        if (left === 0 && !interrupted()) await allEnded();
      });
  }
}
