import type { Argv, CommandModule } from 'yargs';
import { prune } from './snapshots.js';

const build: CommandModule<object, { presets?: string[] }> = {
  command: 'build [presets..]',
  describe: 'Build the offline preset images from Debian packages (for machines with no registry)',
  builder: (y) =>
    y
      .positional('presets', { type: 'string', array: true, describe: 'default: all' })
      .example('$0 images build', 'all presets; a second run with nothing changed returns at once')
      .example('$0 images build mysql', 'just one') as never,
  handler: async ({ presets: names = [] }) => {
    const { presets, presetNames, isPresetName } = await import('../../lib/presets/index.js');
    const { unknownPreset } = await import('../../lib/options/normalise.js');
    const unknown = names.find((n) => !isPresetName(n));
    if (unknown !== undefined) throw unknownPreset(unknown, false);
    const { buildOffline } = await import('../../lib/images/offline.js');
    const { runSteps } = await import('../steps.js');
    const chosen = names.length > 0 ? [...new Set(names.filter(isPresetName))] : presetNames;
    const built = await runSteps(
      chosen.map((name) => ({
        name,
        run: async (say: (message: string) => void) => {
          const started = Date.now();
          let worked = false;
          const tag = await buildOffline(name, presets[name].offline, (line) => {
            worked = true;
            say(line.startsWith(`${name}: `) ? line.slice(name.length + 2) : line); // the line already says which image
          });
          return { result: { name, tag, worked }, done: worked ? `built in ${((Date.now() - started) / 1000).toFixed(1)} s` : 'up to date' };
        },
      })),
    );
    const { table } = await import('../output.js');
    process.stdout.write(`${table(built.map((b) => [b.name, b.tag, b.worked ? 'built' : 'up to date']))}\n`);
  },
};

const list: CommandModule = {
  command: 'ls',
  describe: 'Show, per preset, the image a start would use and whether it is here',
  builder: (y) => y.example('$0 images ls', 'official or offline build, present or not') as never,
  handler: async () => {
    const { presets, presetNames } = await import('../../lib/presets/index.js');
    const { imageStatus } = await import('../../lib/images/status.js');
    const { table } = await import('../output.js');
    const status = await imageStatus(presetNames.map((name) => ({ name, image: presets[name].image, offline: presets[name].offline })));
    const mark = (present: boolean) => (present ? 'present' : 'absent');
    const rows = status.map((s) => [
      s.preset,
      s.willUse ?? '(pull, or build offline on first start)',
      `${s.official} (${mark(s.officialPresent)})`,
      `${s.offline} (${mark(s.offlinePresent)})${s.offlineServer ? `: ${s.offlineServer}` : ''}`,
    ]);
    process.stdout.write(`${table([['PRESET', 'WILL USE', 'OFFICIAL', 'OFFLINE BUILD'], ...rows])}\n`);
    const { snapshotTable } = await import('./snapshots.js');
    process.stdout.write(`\n${await snapshotTable()}\n`);
  },
};

export const images: CommandModule = {
  command: 'images',
  describe: 'Preset images: `images build` the offline ones, `images ls` what is here (snapshots too), `images prune` old snapshots',
  builder: (y: Argv) =>
    y
      .command(build)
      .command(list)
      .command(prune)
      .demandCommand(1, 'Pick build, ls or prune.')
      .example('$0 images ls', 'which image each preset will use')
      .example('$0 images build', 'build every offline image now, not on first use') as never,
  handler: () => {},
};
