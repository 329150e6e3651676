import { DefaultRenderer, Listr, ListrLogger, ProcessOutput, type ListrTask } from 'listr2';

/**
 * listr2 checks stdout for a terminal, but sandpit draws on stderr so stdout can be piped
 * (`up --json > services.json`); the caller has checked stderr (output.ts liveOutput()).
 */
class StderrRenderer extends DefaultRenderer {
  static override nonTTY = true;
}

/** One redrawn line per task on stderr; errors are left to sandpit's one-line report. */
export function liveList<T extends object>(tasks: ListrTask<T>[], { concurrent }: { concurrent: boolean }): Listr<T> {
  return new Listr<T>(tasks, {
    concurrent,
    exitOnError: !concurrent,
    renderer: StderrRenderer,
    registerSignalListeners: false, // Ctrl-C is sandpit's: it must remove containers, not just stop drawing
    rendererOptions: {
      formatOutput: 'truncate',
      showErrorMessage: false,
      logger: new ListrLogger({ processOutput: new ProcessOutput(process.stderr, process.stderr) }),
    },
  } as never);
}
