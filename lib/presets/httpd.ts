import type { Preset } from '../preset.js';
import { existingFolder } from './files.js';
import { httpAnswers } from '../readiness/probes.js';
import { SandpitError } from '../errors.js';
import { ENSURE_USER } from './passwd.js';
import { describeFolder, folderFiles, servedFolder, type ServedFolder } from './served-folder.js';

export interface HttpdOptions {
  /** A local folder served as the site (mounted read-only). Default: a generated index page. */
  root?: string;
}

const DOCROOT = '/usr/local/apache2/htdocs';
const INDEX = `<!doctype html><title>sandpit</title><h1>sandpit httpd</h1>
<p>Serve your own folder with <code>root</code> (CLI: <code>--root ./site</code>).</p>
`;

const AS_OWNER = `${ENSURE_USER}
exec httpd-foreground -c "User #$1" -c "Group #$2"`;

export const httpd: Preset<HttpdOptions, Partial<ServedFolder>> = {
  name: 'httpd',
  summary: 'Apache httpd serving a local folder',
  image: 'httpd:2.4',
  // httpd:2.4's contract from Debian's apache2: DocumentRoot /usr/local/apache2/htdocs on port 80, logs on stdout/stderr.
  offline: {
    dockerfile: `FROM {{base}}
RUN apt-get update && apt-get install -y --no-install-recommends apache2 \\
 && apt-get clean && rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin \\
 && sed -ri 's#/var/www/html#/usr/local/apache2/htdocs#; s#<Directory /var/www/>#<Directory /usr/local/apache2/htdocs/>#' \\
      /etc/apache2/sites-available/000-default.conf /etc/apache2/apache2.conf \\
 && echo 'ServerName localhost' > /etc/apache2/conf-enabled/servername.conf \\
 && ln -sf /dev/stdout /var/log/apache2/access.log && ln -sf /dev/stdout /var/log/apache2/other_vhosts_access.log \\
 && ln -sf /dev/stderr /var/log/apache2/error.log \\
 && mkdir -p /usr/local/apache2/htdocs /var/run/apache2 /var/lock/apache2 \\
 && echo '<html><body><h1>It works!</h1></body></html>' > /usr/local/apache2/htdocs/index.html \\
 && printf '#!/bin/sh\\nexec apache2 -DFOREGROUND "$@"\\n' > /usr/local/bin/httpd-foreground && chmod 755 /usr/local/bin/httpd-foreground
# apache2ctl's envvars as ENV, so apache2 itself is PID 1 with no shell in between.
ENV APACHE_RUN_USER=www-data APACHE_RUN_GROUP=www-data APACHE_RUN_DIR=/var/run/apache2 \\
    APACHE_PID_FILE=/var/run/apache2/apache2.pid APACHE_LOCK_DIR=/var/lock/apache2 APACHE_LOG_DIR=/var/log/apache2 LANG=C
WORKDIR /usr/local/apache2
EXPOSE 80
# httpd:2.4's command, which passes its arguments to the server (-c "User #1000").
CMD ["httpd-foreground"]
`,
  },
  keepsNoData: true,
  containerPort: 80,
  standardPort: 8080,
  options: { root: { type: 'string', describe: 'local folder to serve (read-only)' } },
  resolve: ({ root }) => (root === undefined ? {} : servedFolder(existingFolder('httpd', 'root', root))),
  container: ({ root, owner, copied }) => ({
    mounts: root && !copied ? [{ source: root, target: DOCROOT, readOnly: true }] : [],
    // -c applies after the image's config (`User daemon`, `User ${APACHE_RUN_USER}`): workers read as the owner.
    // Apache needs a name for that uid (without one its workers never drop root), so one is added first.
    ...(owner ? { command: ['sh', '-c', AS_OWNER, 'sh', String(owner.uid), String(owner.gid)] } : {}),
  }),
  files: ({ root, copied }) => (!root ? { [`${DOCROOT}/index.html`]: INDEX } : copied ? folderFiles(root, DOCROOT) : {}),
  notice: ({ root, copied }) =>
    copied && root
      ? `root ${root} (${describeFolder(root)}) is readable by root only, and Apache does not serve as root: serving a copy made now (later edits do not show). chmod o+rx it, or use a folder of a non-root user, to serve it live.`
      : undefined,
  async probe(target, { root }) {
    const status = await httpAnswers(`http://${target.host}:${target.port}/`);
    // Any answer means the server is up, but a 403 on your own folder means it cannot read it: say so now.
    if (status === 403 && root) {
      throw new SandpitError(
        'NOT_READY',
        `httpd: root ${root} (${describeFolder(root)}) answers 403 Forbidden: the web server cannot read it or its index file. Make them readable (chmod -R a+rX ${root}).`,
        { option: 'root' },
      );
    }
  },
  url: ({ host, port }) => `http://${host}:${port}/`,
  client: ({ host, port }) => `curl http://${host}:${port}/`,
};
