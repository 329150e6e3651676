/**
 * Shell lines (run as root in a container, uid in $1 and gid in $2) that give a uid a name and a
 * home when the image has none for it: Apache's workers and bash's prompt need a name. An image's
 * own entry for that uid (ubuntu:24.04's `ubuntu` is 1000) is kept as it is. Plain /etc/passwd
 * lines rather than useradd, which Alpine and slim images lack.
 */
export const ENSURE_USER = `grep -q "^[^:]*:[^:]*:$1:" /etc/passwd || { shell=/bin/sh; [ -x /bin/bash ] && shell=/bin/bash; echo "sandpit:x:$1:$2:sandpit:/home/sandpit:$shell" >> /etc/passwd; }
grep -q "^[^:]*:[^:]*:$2:" /etc/group || echo "sandpit:x:$2:" >> /etc/group
home=$(grep "^[^:]*:[^:]*:$1:" /etc/passwd | head -n 1 | cut -d: -f6)
[ -d "$home" ] || { mkdir -p "$home" && chown "$1:$2" "$home"; } 2> /dev/null || true`;
