import type { MysqlService } from '../types.js';

/**
 * The MYSQL_PWD for `sandpit exec db -- <command>`: the password of the account the command logs in as.
 * mysql, mysqldump and mysqladmin read it when no -p is given, and log in as root (the container's user)
 * when no -u is. Root's password alone made `exec db -- mysql -u test` fail with "Access denied … (using
 * password: YES)"; a user sandpit did not make gets none, so the server's answer says the password is missing.
 * A command it cannot read (`sh -c '…'`) keeps root's: its own -u/-p say the rest.
 */
export function loginPassword(command: readonly string[], service: Partial<Pick<MysqlService, 'user' | 'password' | 'rootPassword'>>): string | undefined {
  const user = userOf(command);
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
