import { describe, expect, test } from '@jest/globals';
import net from 'node:net';
import { start } from '../../lib/index.js';
import type { ProgressEvent } from '../../lib/index.js';
import { inspect } from '../helpers/engine.js';

describe('ports', () => {
  test('port: N publishes exactly N', async () => {
    // Not get-port here: it reserves what it hands out for 15 s, in this very process.
    const wanted = await freePort();
    const first = await start({ preset: 'redis', port: wanted });
    expect(first.port).toBe(wanted);
    await first.stop();
    // Stopped, its port is free again for this same process (get-port would remember it as taken).
    await using again = await start({ preset: 'redis', port: wanted });
    expect(again.port).toBe(wanted);
  });

  test("port: 'standard' takes the usual port when free, else any free one and says so", async () => {
    // Hold the standard port, so the preset must fall back: proves both branches on any machine.
    const blocker = net.createServer().listen(8080, '127.0.0.1');
    const held = await new Promise<boolean>((resolve) => {
      blocker.once('listening', () => resolve(true)).once('error', () => resolve(false));
    });
    const events: ProgressEvent[] = [];
    try {
      await using site = await start({ preset: 'httpd', port: 'standard', onProgress: (e) => events.push(e) });
      expect(site.port).not.toBe(8080);
      if (held) expect(events.find((e) => e.notice)?.message).toBe('port 8080 is busy; using a free port instead');
    } finally {
      blocker.close();
    }
    await using site = await start({ preset: 'httpd', port: 'standard' });
    expect(site.port).toBe(8080);
  });

  test("eight concurrent port: 'standard' starts all succeed: losing the bind race falls back to a free port", async () => {
    const events: ProgressEvent[] = [];
    const starts = await Promise.allSettled(
      Array.from({ length: 8 }, (_, i) => start({ preset: 'redis', name: `race${i}`, port: 'standard', onProgress: (e) => events.push(e) })),
    );
    await Promise.all(starts.map((s) => (s.status === 'fulfilled' ? s.value.stop() : undefined)));
    expect(starts.filter((s) => s.status === 'rejected').map((s) => (s as PromiseRejectedResult).reason.message)).toEqual([]);
    const ports = starts.map((s) => (s as PromiseFulfilledResult<{ port: number }>).value.port);
    expect(new Set(ports).size).toBe(8);
    // At most one got 6379; the others said why they did not.
    expect(events.filter((e) => e.notice && /port 6379 (is busy|was taken)/.test(e.message)).length).toBeGreaterThanOrEqual(ports.filter((p) => p !== 6379).length);
  }, 120_000);

  test("bindAddress: '0.0.0.0' is opt-in", async () => {
    await using redis = await start({ preset: 'redis', bindAddress: '0.0.0.0' });
    const info = await inspect(redis.containerId);
    expect(info.HostConfig.PortBindings['6379/tcp'][0].HostIp).toBe('0.0.0.0');
  });
});

async function freePort(): Promise<number> {
  const server = net.createServer().listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
