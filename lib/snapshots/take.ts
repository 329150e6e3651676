import type Dockerode from 'dockerode';
import { LABEL } from '../cleanup/labels.js';
import { docker } from '../docker/client.js';
import { SandpitError, describe } from '../errors.js';
import type { Preset } from '../preset.js';
import { noticesIn } from '../seeds/index.js';
import type { Launch, Launched } from './launch.js';
import { SNAPSHOT_FORMAT, SNAPSHOT_LABEL } from './names.js';

/** Long enough for InnoDB to flush a large seed; a killed server is refused, never committed. */
const STOP_SECONDS = 120;

/** Where a recipe's stand-in program goes (SnapshotRecipe.endAfterInit), first on the build container's PATH. */
const STAND_IN_DIR = '/sandpit/bin';

export interface TakeRequest {
  tag: string;
  preset: Preset<object, object>;
  /** The base image, as named and by id. */
  image: string;
  baseId: string;
  /** The base image's PATH: the snapshot's, whatever the build container's was. */
  basePath: string;
  /** Resolved options with throwaway secrets: the image's config keeps nothing of a user's start. */
  options: object;
  scriptNames: string[];
  shapes: Record<string, unknown>;
  /** "db in ~/shop" (SNAPSHOT_LABEL.origin). */
  origin: string;
  say: (message: string, notice?: boolean) => void;
  launch: (launch: Launch) => Promise<Launched>;
}

/**
 * Runs the init scripts in a container of the base image, its data kept outside the declared
 * VOLUME; has the server stop cleanly (or end once initialised: SnapshotRecipe.endAfterInit);
 * commits the stopped container under `tag`. The tag appears in one step with a complete image,
 * so a snapshot that exists is always whole: a failure at any point leaves no tag (and the
 * container is removed either way).
 */
export async function takeSnapshot(request: TakeRequest): Promise<string> {
  const { preset, options, tag } = request;
  const recipe = preset.snapshot!;
  const command = recipe.command(options, preset.container(options));
  const build = recipe.build ?? {};
  const standIn = build.endAfterInit;
  request.say(`taking snapshot ${tag}`);
  const built = await request.launch({
    image: request.image,
    options,
    command: build.args?.(command) ?? command,
    ...(recipe.workingDir ? { workingDir: recipe.workingDir } : {}),
    files: { ...build.files, ...(standIn && { [`${STAND_IN_DIR}/${standIn.program}`]: standIn.script }) },
    ...(standIn && { env: { PATH: `${STAND_IN_DIR}:${request.basePath}` }, endsAfterInit: { exitCode: standIn.exitCode } }),
    labels: { [SNAPSHOT_LABEL.building]: tag },
  });
  try {
    const dockerode = (await docker()).container.dockerode;
    const container = dockerode.getContainer(built.containerId);
    let { Running, ExitCode } = (await container.inspect()).State;
    let unkept: string | undefined;
    if (Running) {
      // No stand-in, or an entrypoint that did not run it: a serving server, stopped cleanly.
      const running = async () => (await container.inspect()).State.Running;
      unkept = await recipe.seal?.({ host: built.host, port: built.port, exec: built.exec, logs: built.logs, running }, options);
      // Said after "running them once, kept as a snapshot…" (use.ts): this takes that back.
      if (unkept) request.say(`${unkept}: so no snapshot is kept after all; they run at each start`, true);
      request.say('stopping the server cleanly');
      await container.stop({ t: STOP_SECONDS });
      ({ ExitCode } = (await container.inspect()).State);
    }
    if (ExitCode !== 0 && ExitCode !== standIn?.exitCode) {
      const logs = await built.logs().catch(() => '');
      throw new SandpitError('SNAPSHOT_FAILED', `${preset.name}: the server did not stop cleanly (exit code ${ExitCode}), so no snapshot was taken. Set snapshot: false to start without one.`, {
        stage: 'build',
        logs: logs.trimEnd().split('\n').slice(-20).join('\n'),
      });
    }
    // What sandpit's own scripts said about the data (lib/seeds/notices.ts): said again at each start from it.
    const notices = noticesIn(await built.logs().catch(() => ''));
    request.say('saving the snapshot image');
    const [repo, version] = splitTag(tag);
    await container
      .commit({ repo, tag: version, pause: false, changes: changes(request, command, await ownLabels(container, request.image), unkept, notices) })
      .catch((cause: unknown) => {
        throw new SandpitError('SNAPSHOT_FAILED', `${preset.name}: could not save snapshot ${tag}: ${describe(cause)}. Is the engine's disk full? \`sandpit images prune\` frees old snapshots.`, {
          cause,
          stage: 'build',
        });
      });
    return tag;
  } finally {
    await built.stop().catch(() => {});
  }
}

/** `unkept`: the data is kept only as the answer that it is not to be used (SnapshotRecipe.seal). */
function changes(request: TakeRequest, command: string[], own: string[], unkept: string | undefined, notices: string[]): string[] {
  const labels: Record<string, string> = {
    // A commit keeps the container's labels and no label can be removed: blank the ones that made it
    // a service of this process (owner, session, options), so the image passes none on. Only those:
    // a blank label still exists, and a key this container never had (sandpit.reuse…) must stay absent.
    ...Object.fromEntries(own.map((key) => [key, ''])),
    [SNAPSHOT_LABEL.preset]: request.preset.name,
    [SNAPSHOT_LABEL.base]: request.image,
    [SNAPSHOT_LABEL.baseId]: request.baseId,
    [SNAPSHOT_LABEL.scripts]: request.scriptNames.join(', '),
    [SNAPSHOT_LABEL.shapes]: JSON.stringify(request.shapes),
    [SNAPSHOT_LABEL.origin]: request.origin,
    [SNAPSHOT_LABEL.format]: SNAPSHOT_FORMAT,
    [SNAPSHOT_LABEL.building]: '',
    ...(unkept ? { [SNAPSHOT_LABEL.unkept]: unkept } : {}),
    ...(notices.length > 0 ? { [SNAPSHOT_LABEL.notices]: JSON.stringify(notices) } : {}),
    [LABEL.managed]: 'snapshot',
  };
  return [
    // A plain `docker run` of the snapshot serves its data too.
    `CMD ${JSON.stringify(command)}`,
    // Without the stand-in's folder (SnapshotRecipe.endAfterInit): a start from the snapshot runs the server itself.
    `ENV PATH=${JSON.stringify(request.basePath)}`,
    ...Object.entries(labels).map(([key, value]) => `LABEL ${key}=${quoted(value)}`),
  ];
}

/**
 * A value as a Dockerfile instruction of `docker commit --change` reads it: in double quotes, where the
 * engine undoes \\ and \" but not \n (a newline would stay two characters: values hold none), and
 * expands $NAME unless escaped (a script named `$seed.sql` lost its name).
 */
const quoted = (value: string): string => JSON.stringify(value).replace(/\$/g, '\\$');

/** sandpit's labels on the container that its base image does not carry. */
async function ownLabels(container: Dockerode.Container, base: string): Promise<string[]> {
  const dockerode = (await docker()).container.dockerode;
  const [mine, inherited] = await Promise.all([
    container.inspect().then((c) => c.Config.Labels ?? {}),
    dockerode.getImage(base).inspect().then((i) => i.Config.Labels ?? {}),
  ]);
  return Object.keys(mine).filter((key) => (key === LABEL.managed || key.startsWith(`${LABEL.managed}.`)) && !(key in inherited));
}

function splitTag(tag: string): [string, string] {
  const at = tag.lastIndexOf(':');
  return [tag.slice(0, at), tag.slice(at + 1)];
}
