import type { Service, StartOptions } from '../lib/types.js';

/**
 * `sandpit up` with warm reuse on (config `reuse`, SANDPIT_REUSE=1; not under CI unless forced):
 * takes over an earlier run's services after a reset, or starts ones that stay warm after Ctrl-C.
 * Undefined when reuse is off. Progress is plain lines on stderr.
 */
export async function warmUp(list: StartOptions[]): Promise<Service[] | undefined> {
  const [{ loadConfig }, { reuseSettings }] = await Promise.all([import('../lib/config/index.js'), import('../lib/reuse/settings.js')]);
  const settings = reuseSettings((await loadConfig())?.reuse);
  if (!settings) return undefined;
  const [{ startWarm }, { resettable }] = await Promise.all([import('../lib/runner/warm.js'), import('../lib/runner/isolation.js')]);
  const say = ({ service, message }: { service: string; message: string }) => process.stderr.write(`sandpit: ${service}: ${message}\n`);
  const warm = await startWarm(list.map((o) => ({ ...o, onProgress: say })), settings);
  for (const options of list.filter((o) => warm.reused.has(o.name ?? ''))) {
    say({ service: options.name ?? '', message: `reused from an earlier run, ${resettable(options) ? 'after a reset' : 'untouched since it started'}` });
  }
  for (const name of warm.replaced) say({ service: name, message: 'started anew: an earlier run ran or copied something in the warm one' });
  const idle = settings.idleMs >= 60_000 ? `${Math.round(settings.idleMs / 60_000)} min` : `${Math.round(settings.idleMs / 1000)} s`;
  process.stderr.write(`sandpit: press Ctrl-C to hand ${list.length === 1 ? 'it' : 'them'} back: reuse is on, so ${list.length === 1 ? 'it stays' : 'they stay'} warm for the next run and go after ${idle} unused (or \`sandpit down\`)\n`);
  return warm.services;
}
