import type { EngineCalls } from '../lib/docker/calls.js';
import { describe } from '../lib/errors.js';
import { interrupted } from './interrupt.js';

/**
 * A foreground `up` serves until Ctrl-C; a service whose container stops meanwhile (it crashed, ran
 * out of memory, or someone ran `docker rm -f`) is said at once, not found out at Ctrl-C. Once every
 * one has ended there is nothing left to serve: `allEnded` runs (the caller cleans up and exits 1).
 * An engine that stops answering (a remote one's network, a moment) is not an ending: it is said, and
 * waited for.
 */
export async function watchServices(services: { name: string; containerId: string }[], allEnded: () => Promise<void>): Promise<void> {
  const { engineCalls } = await import('../lib/docker/calls.js');
  const engine = await engineCalls();
  const contact = contactWith(engine.address.uri);
  let left = services.length;
  for (const service of services) {
    void ending(engine, service.containerId, contact).then(async (how) => {
      // Ctrl-C's own removal is no news.
      if (!interrupted()) process.stderr.write(`sandpit: ${service.name} ${how}; it no longer answers\n`);
      left -= 1;
      if (left === 0 && !interrupted()) await allEnded();
    });
  }
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const removed = (error: unknown) => (error as { statusCode?: number }).statusCode === 404;
const GONE = 'is gone: its container was removed, not by sandpit';

/**
 * How a container's serving ended. A wait the engine breaks off without an answer (its network dropped: a
 * remote engine's wait failed after ~12 s) was taken for a removal: `up` said the service was removed, tore
 * down, could not reach the engine to remove anything, and exited, leaving it running. Now the container is
 * asked about every 2 s until the engine answers; then the wait begins again.
 */
async function ending(engine: EngineCalls, id: string, contact: Contact): Promise<string> {
  for (;;) {
    try {
      const { StatusCode } = await engine.wait(id, new AbortController().signal);
      return `stopped${StatusCode === undefined ? '' : ` (exit code ${StatusCode}${StatusCode === 137 ? ': killed' : ''})`}`;
    } catch (error) {
      if (removed(error)) return GONE;
      contact.lost(error);
    }
    for (;;) {
      await pause(2000);
      try {
        await engine.inspect(id);
        contact.back();
        break;
      } catch (error) {
        if (removed(error)) return contact.back(), GONE;
      }
    }
  }
}

interface Contact {
  lost(error: unknown): void;
  back(): void;
}

/** Said once per outage, whichever service's watch finds it first. */
function contactWith(uri: string): Contact {
  let out = false;
  return {
    lost(error) {
      if (out || interrupted()) return;
      out = true;
      process.stderr.write(`sandpit: lost contact with the engine at ${uri} (${describe(error)}); the services may still run there: waiting for it to answer\n`);
    },
    back() {
      if (!out || interrupted()) return;
      out = false;
      process.stderr.write(`sandpit: the engine at ${uri} answers again\n`);
    },
  };
}
