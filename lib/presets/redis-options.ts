// The redis preset's options, apart from the preset so its snapshot recipe can name them without a circle.
export interface RedisOptions {
  /** Require this password (AUTH). */
  password?: string;
  /** Files of redis commands (.redis or .txt, one command a line) or command text, run in order before ready; first, an .rdb file to load. */
  initScripts?: readonly string[];
  /** Number of logical databases (redis' default is 16); test runners raise it for one per worker. */
  databases?: number;
  /** More flags for redis-server, after sandpit's: `['--maxmemory', '64mb']`. Part of a snapshot's key. */
  serverArgs?: readonly string[];
}

export interface RedisResolved {
  password?: string;
  initScripts: string[];
  databases?: number;
  serverArgs: string[];
}
