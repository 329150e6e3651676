import type { CommandModule } from 'yargs';
import type { RefresherNote } from '../../lib/reuse/refreshing.js';
import type { ServiceInfo } from '../../lib/service/list.js';

interface Args {
  names?: string[];
  all?: boolean;
  'dry-run'?: boolean;
  project?: string;
}

export const down: CommandModule<object, Args> = {
  command: 'down [names..]',
  describe: "Remove services left running (by `up --detach`, or kept warm by test runs): named ones, or this project's",
  builder: (y) =>
    y
      .positional('names', { type: 'string', array: true, describe: 'service names or container ids (see `sandpit ls`)' })
      .option('all', { type: 'boolean', describe: "every detached or warm service on this engine, any project's" })
      .option('project', { type: 'string', describe: "the project whose services these are (default: this folder; as up's --project). Env: SANDPIT_PROJECT" })
      .option('dry-run', { type: 'boolean', describe: 'say what would be removed, and remove nothing' })
      .example('$0 down', "remove this project's services: detached, and kept warm by its test runs (this folder's, as docker compose down)")
      .example('$0 down db cache', 'remove two services')
      .example('$0 down --all', "remove every detached or warm service, any project's")
      .example('$0 down --all --dry-run', 'list what --all would remove') as never,
  handler: async ({ names = [], all, 'dry-run': dryRun, project }) => {
    if (project) process.env.SANDPIT_PROJECT = (await import('../../lib/cleanup/project.js')).projectFromFlag(project);
    const { listServices } = await import('../../lib/service/list.js');
    const [{ removeContainer }, { removeReused }] = await Promise.all([import('../../lib/cleanup/remove.js'), import('../../lib/cleanup/reused.js')]);
    const { refreshing, refreshersEnded } = await import('../../lib/reuse/refreshing.js');
    const { matches, matchesId } = await import('../../lib/service/names.js');
    const { currentProject, inProject } = await import('../../lib/cleanup/project.js');
    // No names: exactly this project's detached and warm services, as `docker compose down` takes its folder's (the
    // only offer was --all, anyone's on the engine). Not an older sandpit's without the label ("everyone's") or with
    // a bare folder (every job container checked out at /builds/x): other jobs' on a shared engine; by name or --all.
    const wanted = (s: ServiceInfo) => all || (names.length === 0 ? s.project === currentProject() : names.some((n) => matches(n, s)));
    // A refresher's note names the service and the changed container it removes: by id prefix too.
    const notes = (n: string, r: RefresherNote) => matches(n, { name: r.name, containerId: r.id });
    const covers = (r: RefresherNote) => all || names.some((n) => notes(n, r));
    // A running process owns the others; removing them under it would break its tests. Warm ones
    // (reuse) belong to no process for long: `down` is how a person removes them before their idle time.
    // By name: this project's, detached or warm (another CI job's `db`, or another folder's test runs' warm
    // `db`, maybe in use now, is not this one's: both went); by id, or --all: anyone's.
    const ours = (s: ServiceInfo) => all || inProject(s.project) || names.some((n) => matchesId(n, s));
    const removable = (list: ServiceInfo[]) => list.filter((s) => (s.owner === 'detached' || s.owner === 'reused') && ours(s));
    const services = await listServices();
    const detached = removable(services);
    // Read after the list: a warm one a refresher replaces now may be in neither (lib/reuse/refreshing.ts).
    const busy = refreshing();
    const missing = names.filter((n) => !detached.some((s) => matches(n, s)) && !busy.some((r) => notes(n, r)));
    const remove = (list: ServiceInfo[]) => Promise.all(list.map((s) => (s.owner === 'reused' ? removeReused(s.containerId) : removeContainer(s.containerId))));
    // Bare down (this project's, all of them) leaves a warm one a run is using now (`vitest --watch` in another
    // terminal): its tests would lose their db. Named, it goes: a person's order, as before.
    const inUse = names.length === 0 && !all ? await heldByRuns(detached.filter(wanted)) : [];
    const doomed = detached.filter((s) => wanted(s) && !inUse.includes(s));
    if (!dryRun) {
      await remove(doomed);
      // Then: a refresher of one of these that started before the removal puts a replacement up; it
      // is waited for, and what it left removed (one that starts after finds its container gone).
      // By name: every warm service of that name; by id: the replacement of that container only.
      const replacers = refreshing().filter(covers);
      const replacing = [...new Set(replacers.map((r) => r.name))];
      if (replacing.length > 0) {
        process.stderr.write(`sandpit: waiting for ${replacing.join(', ')} to be replaced by a refresher (a run changed ${replacing.length === 1 ? 'it' : 'them'}), to remove the replacement too\n`);
        await refreshersEnded(covers);
        const replacement = (s: ServiceInfo) => all || names.includes(s.name) || replacers.some((r) => r.name === s.name && r.key !== undefined && r.key === s.reuseKey);
        const left = removable(await listServices()).filter((s) => s.owner === 'reused' && replacement(s));
        await remove(left);
        doomed.push(...left);
      }
    }
    const list = doomed.length ? `: ${[...new Set(doomed.map((s) => s.name))].join(', ')}` : '';
    // As `docker rm a b`: what exists goes, and a missing name fails the command. All or nothing left a
    // CI job's trap (`down db cache` after a failed `up cache`) holding the db it meant to remove.
    if (doomed.length > 0 || missing.length === 0) process.stderr.write(`sandpit: ${dryRun ? 'would remove' : 'removed'} ${doomed.length} service${doomed.length === 1 ? '' : 's'}${list}\n`);
    if (inUse.length > 0) {
      const them = [...new Set(inUse.map((s) => s.name))];
      process.stderr.write(`sandpit: left ${them.join(', ')}: kept warm for a test run that is using ${them.length === 1 ? 'it' : 'them'} now (\`sandpit down ${them.join(' ')}\` removes ${them.length === 1 ? 'it' : 'them'} anyway)\n`);
    }
    if (names.length === 0 && !all && doomed.length === 0 && inUse.length === 0) process.stderr.write(await nothingHere(services));
    if (missing.length > 0) throw await notFound(missing, services, dryRun ? detached : detached.filter((s) => !doomed.includes(s)));
  },
};

/** Why each missing name is not this command's to remove, and what is (`detached`: what is left). */
async function notFound(missing: string[], services: ServiceInfo[], detached: ServiceInfo[]): Promise<Error> {
  const [{ SandpitError }, { currentProject, inProject, projectShown }, { matches }] = await Promise.all([
    import('../../lib/errors.js'),
    import('../../lib/cleanup/project.js'),
    import('../../lib/service/names.js'),
  ]);
  const owned = missing.filter((n) => services.some((s) => matches(n, s) && s.owner !== 'detached' && s.owner !== 'reused'));
  const elsewhere = services.filter((s) => (s.owner === 'detached' || s.owner === 'reused') && !inProject(s.project) && missing.some((n) => matches(n, s)));
  const reasons = [
    owned.length ? ` ${owned.join(', ')} belong${owned.length === 1 ? 's' : ''} to a running process (see \`sandpit ls\`): end it, and its containers go with it.` : '',
    ...[...new Set(elsewhere.map((s) => s.name))].map((name) => {
      const projects = [...new Set(elsewhere.filter((s) => s.name === name).map((s) => s.project!))];
      const which = projects.length === 1 ? `another project, ${projectShown(projects[0]!)}` : `other projects: ${projects.map(projectShown).join(', ')}`;
      const how = elsewhere.some((s) => s.name === name && s.owner === 'reused') ? (elsewhere.some((s) => s.name === name && s.owner === 'detached') ? 'detached and warm' : 'warm (kept by test runs)') : 'detached';
      return ` "${name}" runs ${how} for ${which}: run \`sandpit down\` in its folder (or with its --project), or give its id (see \`sandpit ls\`).`;
    }),
  ].join('');
  const here = [...new Set(detached.map((s) => s.name))].join(', ') || 'none';
  return new SandpitError('NOT_FOUND', `No detached or warm service named ${missing.map((n) => `"${n}"`).join(', ')} in this project (${projectShown(currentProject())}).${reasons} Left running here: ${here}.`);
}

/**
 * Bare `down` that found nothing of this project: where its services may be instead. From a subfolder (compose
 * finds its project from one; sandpit's is the folder `up` ran in), and a foreground `up` here (its own process).
 */
async function nothingHere(services: ServiceInfo[]): Promise<string> {
  const [{ machine }, { runsInThisFolder }, { projectAsFlag, projectShown }, path] = await Promise.all([
    import('../../lib/cleanup/machine.js'),
    import('../../lib/cleanup/alive.js'),
    import('../../lib/cleanup/project.js'),
    import('node:path'),
  ]);
  const lines: string[] = [];
  const here = process.cwd();
  // This machine's folder a service's project is (none for a name, or another machine's).
  const folderOf = (s: ServiceInfo) => (s.project?.startsWith(`${machine}:`) ? s.project.slice(machine.length + 1) : undefined);
  const inside = (inner: string | undefined, outer: string | undefined) => inner !== undefined && outer !== undefined && inner.startsWith(`${outer}${path.sep}`);
  // Below too, from a monorepo's root: its packages' (their test runs' warm ones, their `up -d`): `ls` listed them,
  // and `down` here said "would remove 0 services" and no more.
  const sides = [
    ['above', (s: ServiceInfo) => inside(here, folderOf(s))],
    ['below', (s: ServiceInfo) => inside(folderOf(s), here)],
  ] as const;
  const kept = services.filter((s) => s.owner === 'detached' || s.owner === 'reused');
  for (const [where, isThere] of sides) {
    for (const project of new Set(kept.filter(isThere).map((s) => s.project!))) {
      const its = [...new Set(services.filter((s) => s.project === project).map((s) => s.name))];
      lines.push(`sandpit: ${projectShown(project)}, a folder ${where}, has ${its.join(', ')}: run \`sandpit down\` there, or \`sandpit down --project ${projectAsFlag(project)}\``);
    }
  }
  const foreground = services.filter((s) => s.ownerPid !== undefined && runsInThisFolder(s.ownerPid));
  for (const pid of new Set(foreground.map((s) => s.ownerPid!))) {
    const its = [...new Set(foreground.filter((s) => s.ownerPid === pid).map((s) => s.name))];
    lines.push(`sandpit: ${its.join(', ')} belong${its.length === 1 ? 's' : ''} to a process running here (pid ${pid}, a foreground \`sandpit up\` or a test run): end it, and they go with it`);
  }
  return lines.map((line) => `${line}\n`).join('');
}

/** The warm ones of `list` a run holds now (its lock on them). */
async function heldByRuns(list: ServiceInfo[]): Promise<ServiceInfo[]> {
  const { held } = await import('../../lib/cleanup/reused.js');
  const holding = await Promise.all(list.map((s) => (s.owner === 'reused' && s.reuseClaim ? held(s.reuseClaim) : false)));
  return list.filter((_, i) => holding[i]);
}
