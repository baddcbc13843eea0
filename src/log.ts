/**
 * Logging contract shared by the action and the command line. The action maps it to
 * `@actions/core`; the command line prints to stderr.
 */
export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warning(message: string): void;
  error(message: string): void;
  group<T>(title: string, body: () => Promise<T>): Promise<T>;
}

/** Logger that prints to stderr, used by the command line and tests. */
export function createConsoleLogger(options: { debug?: boolean; quiet?: boolean } = {}): Logger {
  const write = (prefix: string, message: string): void => {
    if (!options.quiet) process.stderr.write(`${prefix}${message}\n`);
  };
  return {
    debug: (message) => {
      if (options.debug) write('debug: ', message);
    },
    info: (message) => write('', message),
    warning: (message) => write('warning: ', message),
    error: (message) => write('error: ', message),
    group: async (title, body) => {
      write('== ', title);
      return body();
    },
  };
}

/** Logger that keeps every line in memory, for tests that check what a run logged. */
export function createMemoryLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    debug: (message) => lines.push(`debug: ${message}`),
    info: (message) => lines.push(message),
    warning: (message) => lines.push(`warning: ${message}`),
    error: (message) => lines.push(`error: ${message}`),
    group: async (title, body) => {
      lines.push(`== ${title}`);
      return body();
    },
  };
}
