import type { Argv, CommandModule } from 'yargs';
import type { StartFlags } from '../flags.js';

interface Args extends StartFlags {
  services?: string[];
  detach?: boolean;
  json?: boolean;
  'env-out'?: string;
  'env-file'?: string;
  project?: string;
}

export const up: CommandModule<object, Args> = {
  command: 'up [services..]',
  describe: 'Start services and wait until each answers',
  // Async so the preset registry (which the flags come from) loads only for `up`, not every --help.
  builder: async (y: Argv) => {
    const [{ presets }, { withStartFlags }] = await Promise.all([import('../../lib/presets/index.js'), import('../flags.js')]);
    return withStartFlags(
      y
        .positional('services', { type: 'string', array: true, describe: `presets (${Object.keys(presets).join(', ')}) or names from sandpit.config.*` })
        .option('detach', { alias: 'd', type: 'boolean', describe: 'leave them running and return once ready' })
        .option('project', { type: 'string', describe: 'whose detached services these are (default: this folder); a CI job\'s id keeps jobs on one engine apart. Env: SANDPIT_PROJECT' })
        .option('json', { type: 'boolean', describe: 'print the services as a JSON array on stdout' })
        .option('env-out', { type: 'string', describe: 'write SANDPIT_<NAME>_URL/_HOST/_PORT… lines to this file ("$GITHUB_ENV": added to it)' })
        // Node 20 claims --env-file as its own in any Node process whose command line has it (`npx sandpit …`,
        // `node main.js …`; the bin's `node --` does not): it still works where it reaches sandpit, and is not
        // offered in --help, where a CI user took it and got Node's `node: .env.ci: not found`, exit 9.
        .option('env-file', { type: 'string', hidden: true }),
      presets,
    )
      .example('$0 up redis', 'a Redis until Ctrl-C; then nothing is left')
      .example('$0 up mysql --init schema.sql --database app', 'MySQL with a schema, ready once the schema is in')
      .example('$0 up httpd --root ./public --port standard', 'serve ./public on :8080 if it is free')
      .example('$0 up -d redis mysql --json --env-out .env.ci', 'for CI: detached, with an env file for later steps')
      .example('$0 up -d mysql --project "$CI_JOB_ID"', 'two CI jobs on one engine: a db each (down takes --project too)')
      .example('$0 up', 'everything in sandpit.config.json')
      .example('$0 up -d', 'run again: keeps what already runs as asked, starts what is missing') as never;
  },
  handler: async (args) => {
    const { resolveTargets } = await import('../targets.js');
    const { startWithProgress } = await import('../progress.js');
    const { onInterrupt, removeSession, waitForever } = await import('../interrupt.js');
    if (args.project) process.env.SANDPIT_PROJECT = (await import('../../lib/cleanup/project.js')).projectFromFlag(args.project);
    const detached = Boolean(args.detach);
    const { list, setup, dir, configured } = await resolveTargets(args.services ?? [], args, { detached });
    const names = list.map((o) => o.name ?? ('preset' in o ? o.preset : o.image));

    // Before the engine is asked anything (kept.ts lists its services): bad input is refused first.
    const { checkEnvFile, printServices, removeEnvFile, removeOlderEnvFile, writeEnvFile } = await import('../services.js');
    const given = [args['env-out'], args['env-file']].flat().filter((file) => file !== undefined);
    if (given.length > 1) await checkEnvFile(given); // refused: given twice
    const envFile = given[0];
    if (envFile !== undefined) await checkEnvFile(envFile);

    // The same `up -d` again keeps what already runs as asked (kept.ts); a name taken otherwise is refused.
    const { kept, keys } = detached ? await (await import('../kept.js')).keptRunning(list, names, setup, configured) : { kept: new Map(), keys: new Map() };
    const missing = list.filter((_, i) => !kept.has(names[i]!));

    // Ctrl-C while starting removes what this run made, detached or not, before exiting 130.
    // Warm reuse (config `reuse`) applies to a foreground `up`; a detached service is already long-lived.
    // Its Ctrl-C hands the warm ones back once they are ready, and removes those still starting before.
    let warm: import('../warm.js').WarmUp | undefined;
    const warmEnd = async () => (warm ? warm.handBack() : (await import('../warm.js')).abandonWarmStarts());
    // A foreground run's env file goes with its services (removeEnvFile); until this run writes its own, an older
    // one of sandpit's at that path goes at a stop or failure: read later, it named services that are gone.
    let envWritten = (): Promise<void> | void => (envFile === undefined ? undefined : removeOlderEnvFile(envFile));
    // The env file first, and at once: a second signal ends the cleanup at once, and a warm container handed
    // back may be taken by a run that writes the very same text to that file.
    const release = onInterrupt(detached ? () => Promise.all([envWritten(), removeDetached()]) : () => Promise.all([envWritten(), removeSession({ sayNone: !warm }), warmEnd()]));
    const started = async () => {
      // A setup command's work is in no snapshot or reset: those start anew (as a test run's, lib/runner/session.ts).
      const settingUp = Object.keys(setup).length > 0;
      warm = detached || settingUp ? undefined : await (await import('../warm.js')).warmUp(list);
      if (warm) return warm.services;
      for (const [name, service] of kept) process.stderr.write(`sandpit: ${name}: already up as asked, kept${service.url ? ` (${service.url})` : ''}\n`);
      if (missing.length === 0) return [...kept.values()];
      const { LABEL } = await import('../../lib/cleanup/labels.js');
      // Detached ones are kept (left to outlive this process) once their setup commands are done too: a start
      // killed during one left a service that never got its schema.
      const fresh = await startWithProgress(missing, detached ? { labels: (o) => ({ [LABEL.given]: keys.get(o) ?? '' }), keep: !settingUp } : {});
      const { runSetups, sayOnStderr, setupsOf } = await import('../../lib/setup/run.js');
      await runSetups(fresh, setupsOf(missing, setup), { cwd: dir, all: [...kept.values(), ...fresh], say: sayOnStderr }).catch(async (error: unknown) => {
        await Promise.allSettled(fresh.map((s) => s.stop()));
        throw error;
      });
      if (detached && settingUp) (await import('../../lib/cleanup/watchdog.js')).keepDetached(fresh.map((s) => s.containerId));
      // In the order asked for: the env file and the JSON list read as the command line (or config) says them.
      return names.map((name) => kept.get(name) ?? fresh.find((s) => s.name === name)!);
    };
    const services = await started().catch(async (error: unknown) => {
      await envWritten();
      throw error;
    });

    if (envFile !== undefined) {
      const text = await writeEnvFile(envFile, services).catch(async (error: unknown) => {
        await Promise.all(services.map((s) => s.stop()));
        throw error;
      });
      envWritten = () => removeEnvFile(envFile, text);
    }
    printServices(services, Boolean(args.json));
    if (detached) {
      release();
      // Every service kept, and nothing of this session's left (snapshot builds are gone with their start).
      (await import('../../lib/cleanup/watchdog.js')).dismissWatchdog();
      const { quote } = await import('../../lib/presets/quote.js');
      // As NAME_IN_USE says it (lib/service/names.ts): --project set it, or the environment did.
      const { projectAsFlag } = await import('../../lib/cleanup/project.js');
      const project = process.env.SANDPIT_PROJECT && projectAsFlag(process.env.SANDPIT_PROJECT);
      const where = project ? ` --project ${quote(project)}` : '';
      process.stderr.write(`sandpit: left running; remove with \`sandpit down ${services.map((s) => s.name).join(' ')}${where}\`\n`);
      return;
    }
    if (!warm) process.stderr.write(`sandpit: press Ctrl-C to stop and remove ${services.length === 1 ? 'it' : 'them'}\n`);
    (await import('../deadline.js')).disarm(); // ready: from here it runs until Ctrl-C, untimed
    await (await import('../watch.js')).watchServices(services, async () => {
      process.stderr.write('sandpit: every service has ended; nothing left to serve\n');
      envWritten();
      await Promise.all([removeSession({ sayNone: false }), warmEnd()]).catch(() => {});
      process.exit(1);
    });
    await waitForever();
  },
};

/**
 * The detached containers this run started (its `sandpit.starter` label), and a snapshot being taken for
 * them (its session's): removed now. Left to the watchdog, they were still there a moment after `up` exited.
 */
async function removeDetached(): Promise<void> {
  const [{ removeByLabel }, { LABEL, sessionId }] = await Promise.all([import('../../lib/cleanup/remove.js'), import('../../lib/cleanup/labels.js')]);
  const removed = (await Promise.all([removeByLabel(`${LABEL.starter}=${sessionId}`), removeByLabel(`${LABEL.session}=${sessionId}`)])).flat().length;
  process.stderr.write(`sandpit: interrupted; removed ${removed} half-started container${removed === 1 ? '' : 's'}\n`);
}
