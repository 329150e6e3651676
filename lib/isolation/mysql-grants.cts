// Accounts the seed gave rights on the service's database: the same rights on every worker's copy.
import type { Connection } from 'mysql2/promise';

/**
 * An init script's `GRANT SELECT ON shop.* TO reporter` (a read-only reporting account, a second service's
 * user) named the main database only: in worker N the account was refused `shop_wN` (ER_DBACCESS_DENIED_ERROR),
 * and the only way out, isolation: 'shared', took reset() with it. Each database-level grant on `database`
 * (written plain or with its `_` escaped) is given again on `pattern`, the worker databases' GRANT pattern.
 * `except`: the app user, whose rights there are granted whole. Table- and column-level grants are not copied.
 */
async function copyDatabaseGrants(connection: Connection, database: string, pattern: string, except: string): Promise<number> {
  const written = [database, database.replace(/_/g, '\\_')];
  // Host '' is a MariaDB role's row: roles are not copied (an account granted one gets what it grants on `database` only).
  const [rows] = await connection.query("SELECT DISTINCT User AS user, Host AS host FROM mysql.db WHERE Db IN (?, ?) AND Host <> '' AND NOT (User = ? AND Host = ?)", [...written, except, '%']);
  let copied = 0;
  for (const { user, host } of rows as { user: string; host: string }[]) {
    try {
      const [grants] = await connection.query('SHOW GRANTS FOR ?@?', [user, host]);
      for (const line of (grants as Record<string, string>[]).map((row) => Object.values(row)[0]!)) {
        const again = onPattern(line, written, pattern);
        if (!again) continue;
        await connection.query(again);
        copied++;
      }
    } catch (error) {
      throw new Error(`sandpit: could not give '${user}'@'${host}' its rights on ${database} again on the worker databases (${(error as Error).message})`, { cause: error });
    }
  }
  return copied;
}

/** `GRANT SELECT ON \`shop\`.* TO \`reporter\`@\`%\`` → the same on `pattern`; undefined for a grant on anything else. */
function onPattern(line: string, written: string[], pattern: string): string | undefined {
  const match = /^GRANT (.+) ON `((?:[^`]|``)+)`\.\* TO (.+)$/.exec(line);
  if (!match || !written.includes(match[2]!.replace(/``/g, '`'))) return undefined;
  return `GRANT ${match[1]} ON \`${pattern.replace(/`/g, '``')}\`.* TO ${match[3]}`;
}

export = { copyDatabaseGrants, onPattern };
