/**
 * The `mysql` client in the container (which the entrypoint feeds the init scripts to, and `sandpit exec`
 * runs) takes its character set from the locale when no option names one, and the images set none
 * (the official one, Oracle Linux: no LANG; the offline one, Debian: POSIX): latin1. A seed's UTF-8 text
 * (`'café'`) was then stored as `cafÃ©` in utf8mb4 columns, unless the file said SET NAMES itself (as
 * mysqldump's output does). An option file in the folder every image's my.cnf includes names utf8mb4,
 * the server's own default: for the scripts, and for a person's `exec -- mysql`.
 */
export const CLIENT_CONFIG = { '/etc/mysql/conf.d/sandpit-client.cnf': '[client]\ndefault-character-set=utf8mb4\n' };
