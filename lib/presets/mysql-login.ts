/**
 * The MYSQL_PWD for a command run in the container (exec from a test, `sandpit exec db -- <command>`): the
 * password of the account the command logs in as.
 * mysql, mysqldump and mysqladmin read it when no -p is given, and log in as root (the container's user)
 * when no -u is. Root's password alone made `exec db -- mysql -u test` fail with "Access denied … (using
 * password: YES)"; a user sandpit did not make gets none, so the server's answer says the password is missing.
 * An explicit -p wins over it.
 */
export function loginPassword(command: readonly string[], service: { user?: string; password?: string; rootPassword?: string }): string | undefined {
  // A test's exec('mysql -u test …') runs through sh -c: its words, as far as splitting on spaces tells them.
  const shell = /(^|\/)(ba|da|z)?sh$/.test(command[0] ?? '') && /^-[a-z]*c$/.test(command[1] ?? '') && command[2];
  const words = shell ? ['sh', ...command[2]!.split(/\s+/).map(unquoted)] : command;
  const named = userOf(words);
  const user = named === undefined ? undefined : unquoted(named);
  if (user === undefined || user === 'root') return service.rootPassword;
  return user === service.user ? service.password : undefined;
}

function userOf(command: readonly string[]): string | undefined {
  for (let i = 1; i < command.length; i++) {
    const arg = command[i]!;
    if (arg === '--') break;
    if (arg === '-u' || arg === '--user') return command[i + 1];
    if (arg.startsWith('--user=')) return arg.slice('--user='.length);
    if (/^-u./.test(arg)) return arg.slice(2);
  }
  return undefined;
}

const unquoted = (word: string): string => word.replace(/^(['"])(.*)\1$/, '$2');
