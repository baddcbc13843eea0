import * as core from '@actions/core';

import type { Logger } from '../log.js';

/**
 * Logger on @actions/core. Groups are only opened when one certificate runs at a time,
 * because the runner's log has a single group level and concurrent certificates would
 * interleave inside each other's groups. With concurrency the title is printed instead.
 */
export function createActionsLogger(options: { concurrentGroups: boolean }): Logger {
  return {
    debug: (message) => core.debug(message),
    info: (message) => core.info(message),
    warning: (message) => core.warning(message),
    error: (message) => core.error(message),
    group: async (title, body) => {
      if (options.concurrentGroups) {
        core.info(`== ${title}`);
        return body();
      }
      return core.group(title, body);
    },
  };
}
