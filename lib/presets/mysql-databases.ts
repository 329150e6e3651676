import { INIT_DIR, NOTICE_MARK, OWN_SCRIPT_PREFIX, type Seed } from '../seeds/index.js';

/**
 * A dump made with `mysqldump --databases shop` (or `--all-databases`) starts with `CREATE DATABASE shop;
 * USE shop;`: it fills shop, and the database the url names (MYSQL_DATABASE, the one the app user owns)
 * stays empty. Tests then fail on a missing table, or on ER_TABLEACCESS_DENIED for shop.t, far from the
 * cause. After the user's scripts, this says so in the log, for the start to show (lib/seeds/notices.ts),
 * when the url's database has no table and another one has. Sourced by the entrypoint (which provides
 * docker_process_sql); `|| true`: a failed check says nothing and stops nothing.
 */
function script(database: string): string {
  // database is checked to be letters, digits and _ (mysql.ts resolve): safe in SQL and in the shell.
  return `sandpit_filled=$(docker_process_sql --database=mysql --skip-column-names --raw <<'SQL' || true
SELECT GROUP_CONCAT(s ORDER BY s SEPARATOR ', ') FROM (SELECT DISTINCT TABLE_SCHEMA AS s FROM information_schema.TABLES
  WHERE TABLE_SCHEMA NOT IN ('mysql', 'information_schema', 'performance_schema', 'sys')) AS filled
HAVING COUNT(*) > 0 AND SUM(s = '${database}') = 0;
SQL
)
case $sandpit_filled in
  '') ;;
  *,*) echo "${NOTICE_MARK}the init scripts made tables in $sandpit_filled and none in ${database}, the url's database: set the database option to the one the tests use (a mysqldump --databases dump creates its own)" ;;
  *) echo "${NOTICE_MARK}the init scripts made tables in $sandpit_filled and none in ${database}, the url's database: set the database option to $sandpit_filled (a mysqldump --databases dump creates its own)" ;;
esac
unset sandpit_filled
`;
}

/** Runs after the seeds (named 001-…). */
export const databasesSeed = (database: string): Seed => ({
  name: `${OWN_SCRIPT_PREFIX}databases.sh`,
  label: `sandpit's ${INIT_DIR}/${OWN_SCRIPT_PREFIX}databases.sh`,
  source: { text: script(database) },
});
