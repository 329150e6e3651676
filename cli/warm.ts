import type { Service, StartOptions } from '../lib/types.js';

/** What a foreground `up` with warm reuse has: its services, and the Ctrl-C that hands them back. */
export interface WarmUp {
  services: Service[];
  /** Lets other runs take them (a mysql or redis is reset first, by a resetter); leaves them running. */
  handBack: () => Promise<void>;
}

/**
 * `sandpit up` with warm reuse on (config `reuse`, SANDPIT_REUSE=1; not under CI unless forced):
 * takes over an earlier run's services after a reset, or starts ones that stay warm after Ctrl-C.
 * Undefined when reuse is off. Progress is plain lines on stderr.
 */
export async function warmUp(list: StartOptions[]): Promise<WarmUp | undefined> {
  const [{ loadConfig }, { reuseSettings }] = await Promise.all([import('../lib/config/index.js'), import('../lib/reuse/settings.js')]);
  const settings = reuseSettings((await loadConfig())?.reuse);
  if (!settings) return undefined;
  const [{ startWarm }, { resettable }, { serviceName }] = await Promise.all([
    import('../lib/runner/warm.js'),
    import('../lib/runner/isolation.js'),
    import('../lib/options/name.js'),
  ]);
  const say = ({ service, message }: { service: string; message: string }) => process.stderr.write(`sandpit: ${service}: ${message}\n`);
  // Named as their services are (`sandpit up redis` names nothing): the runner's list is looked up by name.
  const named = list.map((o) => ({ ...o, name: serviceName(o) }));
  const warm = await startWarm(named.map((o) => ({ ...o, onProgress: say })), settings);
  for (const options of named.filter((o) => warm.reused.has(o.name))) {
    say({ service: options.name, message: `reused from an earlier run, ${resettable(options) ? 'after a reset' : 'untouched since it started'}` });
  }
  for (const name of warm.replaced) say({ service: name, message: 'started anew: an earlier run ran or copied something in the warm one' });
  const idle = settings.idleMs >= 60_000 ? `${Math.round(settings.idleMs / 60_000)} min` : `${Math.round(settings.idleMs / 1000)} s`;
  const kept = warm.releases.size;
  const others = warm.services.length - kept; // custom images: a run of their own, removed at the end
  const they = kept === 1 ? 'it' : 'them';
  const back = `hand ${they} back: reuse is on, so ${kept === 1 ? 'it stays warm for the next run and goes' : 'they stay warm for the next run and go'} after ${idle} unused (or \`sandpit down\`)`;
  const rest = `stop and remove ${others === 1 ? (kept ? 'the other' : 'it') : kept ? 'the others' : 'them'}`;
  process.stderr.write(`sandpit: press Ctrl-C to ${kept && others ? `${back}; and to ${rest}` : kept ? back : rest}\n`);
  const handBack = async () => {
    const releases = [...warm.releases.values()];
    await Promise.allSettled(releases.map((release) => release()));
    if (releases.length > 0) process.stderr.write(`sandpit: handed ${releases.length} service${releases.length === 1 ? '' : 's'} back: warm for the next run\n`);
  };
  return { services: warm.services, handBack };
}

/**
 * Ctrl-C before the warm services are all ready: the ones this process started are removed, not left to
 * the reaper. Ones taken over from an earlier run stay warm and are free for the next run at once:
 * proper-lockfile lets go of a process's locks as it exits (only a `kill -9` leaves them, stale in 10 s).
 */
export async function abandonWarmStarts(): Promise<void> {
  const { abandonStarts } = await import('../lib/reuse/fresh.js');
  const removed = await abandonStarts();
  if (removed > 0) process.stderr.write(`sandpit: removed ${removed} half-started warm container${removed === 1 ? '' : 's'}\n`);
}
