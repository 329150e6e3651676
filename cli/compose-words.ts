/**
 * docker compose's words, typed from habit: `stop` read "Did you mean up?" and `up --wait` a bare "Unknown
 * argument". What each is here. (A sandpit service has no stopped state and no volumes: it is removed whole.)
 */
const COMMANDS: Record<string, string> = {
  stop: 'Services are not stopped and kept: `sandpit down <name>` removes one',
  rm: '`sandpit down <name>` removes a service',
  kill: '`sandpit down <name>` removes a service',
  start: '`sandpit up -d` starts the config\'s services (`sandpit up -d <preset>` one)',
  restart: '`sandpit down <name>`, then `sandpit up -d`: a new one, seeded again',
  ps: '`sandpit ls` lists the services',
  run: '`sandpit up <preset>` starts a service; `sandpit shell` a throwaway shell',
  compose: 'No compose subcommand: `sandpit up -d`, `ls`, `exec`, `logs`, `down`',
  pull: '`sandpit up` pulls (or builds offline) what it needs; `sandpit images build` builds the offline images now',
};

const FLAGS: Record<string, Record<string, string>> = {
  up: { wait: 'up waits until every service answers, with -d too: leave --wait out.' },
  down: {
    v: 'down removes each container with its data: there are no volumes to keep; leave -v out.',
    volumes: 'down removes each container with its data: there are no volumes to keep; leave --volumes out.',
  },
};

/** What compose's command `word` is in sandpit, if it is one of compose's. */
export const composeCommand = (word: string | undefined): string | undefined => (word ? COMMANDS[word] : undefined);

/** What compose's flag is for this sandpit command, if it is one of compose's. */
export const composeFlag = (command: string, flag: string): string | undefined => FLAGS[command]?.[flag];
