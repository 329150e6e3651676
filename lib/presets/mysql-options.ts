// The mysql preset's options, apart from the preset so its snapshot recipe can name them without a circle.
export interface MysqlOptions {
  /** Database created for the user. Default `test`. */
  database?: string;
  /** Application user, granted everything on `database`. Default `test`. */
  user?: string;
  /** The user's password. Default: random per start. */
  password?: string;
  /** root's password. Default: random per start. */
  rootPassword?: string;
  /**
   * Run in order as root on `database` before the service is ready, by the mysql client inside the
   * container as the official image does: .sql, .sql.gz, .sql.bz2, .sql.xz, .sql.zst or .sh files,
   * folders of them (name order), or SQL text.
   */
  initScripts?: readonly string[];
  /**
   * Keep the server's performance_schema (monitoring tables). Default off: a test server boots ~200 ms
   * sooner without it (measured on 2 cores: ~1000 → ~800 ms from container start to ready).
   */
  performanceSchema?: boolean;
  /**
   * More flags for the server, after sandpit's: `['--local-infile=1', '--sql-mode=']`. Part of a snapshot's
   * key (some shape the data directory at its initialisation: --lower-case-table-names).
   */
  serverArgs?: readonly string[];
}

export interface MysqlResolved {
  database: string;
  user: string;
  password: string;
  rootPassword: string;
  initScripts: string[];
  performanceSchema: boolean;
  serverArgs: string[];
}
