import { INIT_DIR, OWN_SCRIPT_PREFIX, type Seed } from '../seeds/index.js';

/**
 * mysqldump writes each view, routine, trigger and event with its DEFINER (`shop_admin`@`%`), an account of
 * the server it came from. Loaded elsewhere, they load, and fail when used: ERROR 1449 "The user specified as
 * a definer does not exist", or a view's "Access denied". After the user's scripts, in the entrypoint's
 * temporary server (as root), each definer that is missing becomes a locked account (no one logs in as it)
 * with every privilege, as a dump's source usually had: the objects then work as they did there.
 * Sourced by the entrypoint (the official images' and the offline one), which provides docker_process_sql.
 */
// Split at the last @ (a host has none; a user name may: 'svc@corp'@'%'); a definer with none (a MariaDB
// role) is no account. --raw: batch output would escape QUOTE()'s backslashes again. --force: one account
// the server refuses (a name too long for it) does not keep the others from being made. `|| true`: best
// effort; where it fails, the objects fail when used, as they would have without it, and the start goes on.
const SCRIPT = `docker_process_sql --database=mysql --skip-column-names --raw <<'SQL' | docker_process_sql --database=mysql --force || true
SELECT DISTINCT CONCAT('CREATE USER IF NOT EXISTS ', QUOTE(u), '@', QUOTE(h), ' ACCOUNT LOCK; GRANT ALL ON *.* TO ', QUOTE(u), '@', QUOTE(h), ';')
FROM (SELECT LEFT(d, CHAR_LENGTH(d) - CHAR_LENGTH(SUBSTRING_INDEX(d, '@', -1)) - 1) AS u, SUBSTRING_INDEX(d, '@', -1) AS h FROM (
  SELECT DEFINER AS d FROM information_schema.VIEWS UNION SELECT DEFINER FROM information_schema.ROUTINES
  UNION SELECT DEFINER FROM information_schema.TRIGGERS UNION SELECT DEFINER FROM information_schema.EVENTS
) AS definers WHERE d LIKE '%@%') AS accounts
WHERE (u, h) NOT IN (SELECT User, Host FROM mysql.user);
SQL`;

/** Runs after the seeds (named 001-…) and before sandpit's other own scripts. */
export const definersSeed: Seed = {
  name: `${OWN_SCRIPT_PREFIX}definers.sh`,
  label: `sandpit's ${INIT_DIR}/${OWN_SCRIPT_PREFIX}definers.sh`,
  source: { text: SCRIPT },
};
