import path from 'node:path';
import type { CommandModule } from 'yargs';

interface Args {
  command?: string[];
  mount?: string | false;
  image?: string;
  user?: string;
}

export const shell: CommandModule<object, Args> = {
  command: 'shell [command..]',
  describe: 'A throwaway Ubuntu shell, gone when you exit',
  builder: (y) =>
    y
      .positional('command', { type: 'string', array: true, describe: 'run this instead of an interactive bash (after --)' })
      .option('mount', { type: 'string', describe: 'folder mounted at /work (default: the current one); --no-mount for none' })
      // `--mount` with its folder left out (`--mount -- pwd`) was an empty path: a shell with nothing mounted, said nowhere.
      .check((a) => (a.mount === '' ? 'Give --mount a folder (--mount ./site), or pass --no-mount for none.' : true))
      .option('user', { type: 'string', describe: 'who runs the shell: root, or uid[:gid] (default: the owner of the mounted folder)' })
      .option('image', { type: 'string', describe: 'another image with bash (default ubuntu:24.04, or its Debian offline build)' })
      .example('$0 shell', 'bash in a fresh box, the current folder at /work')
      .example('$0 shell -- make test', 'one command; its exit code is sandpit’s')
      .example("echo 'uname -a' | $0 shell", 'run what comes on stdin')
      .example('$0 shell --user root', 'as root (files made in /work then belong to root)')
      .example('$0 shell --no-mount --image debian:12', 'another distribution, nothing of yours inside') as never,
  handler: async (args) => {
    const command = [...(args.command ?? []), ...((args as { '--'?: string[] })['--'] ?? [])].map(String);
    const { startWithProgress } = await import('../progress.js');
    const { asShellWould, dockerExec, interactive } = await import('../docker-cli.js');
    const { onInterrupt, removeSession } = await import('../interrupt.js');
    const mount = args.mount === false ? undefined : (args.mount ?? process.cwd());
    const { ensureUser, shellOwner } = await import('../shell-user.js');
    // Files made in /work belong to the folder's owner, not to root (bad --user fails before any start).
    const owner = shellOwner(mount === undefined ? undefined : path.resolve(mount), args.user);
    // Interrupted before or after bash runs: the box goes, sandpit exits 128 + signal.
    onInterrupt(() => removeSession());
    const [box] = await startWithProgress([{ preset: 'ubuntu', name: 'shell', ...(mount ? { mount } : {}), ...(args.image ? { image: args.image } : {}) }], {
      plain: 'notices',
    }).catch(async (error: unknown) => {
      // The library's advice (copy files with exec()) is an API's; from the command line it is a flag.
      const { isSandpitError } = await import('../../lib/errors.js');
      if (isSandpitError(error) && error.option === 'mount' && args.mount === undefined) {
        error.message = `${error.message.replace(/ Run the tests where the engine runs, or copy files in and out through the container \(.*\)\.$/, '')} Start the shell with --no-mount (nothing of this folder inside), or run sandpit where the engine runs.`;
      }
      throw error;
    });
    try {
      if (owner) await ensureUser(box!, owner);
      (await import('../deadline.js')).disarm(); // your session is as long as you like
      const tty = interactive();
      // Without a terminal and without a command, the script comes on stdin.
      const run = command.length > 0 ? asShellWould(command) : tty ? ['bash'] : ['bash', '-s'];
      process.exitCode = await dockerExec(box!.containerId, run, { tty, ...(mount ? { workdir: '/work' } : {}), ...(owner ? { user: `${owner.uid}:${owner.gid}` } : {}) });
    } finally {
      await box!.stop();
    }
  },
};
