import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { Octokit } from '@octokit/rest';

import type { Logger } from '../log.js';

/** Octokit with the REST methods, pagination, retries and rate-limit handling. */
export type GitHubClient = InstanceType<typeof ClientClass>;

const ClientClass = Octokit.plugin(retry, throttling);

/** Retries after GitHub's primary rate limit (x-ratelimit-remaining: 0 or 429). */
export const RATE_LIMIT_RETRIES = 2;
/** Retries after a secondary rate limit, which GitHub applies to bursts of writes. */
export const SECONDARY_RATE_LIMIT_RETRIES = 1;

export interface GitHubClientOptions {
  token: string;
  /** API root, for GitHub Enterprise Server or a local fake; api.github.com when absent. */
  baseUrl?: string;
  logger: Logger;
  /**
   * Length in milliseconds of one second of `Retry-After`. Tests set it to 1 so a
   * retry does not wait; the action always uses the default of 1000.
   */
  retryDelayUnitMs?: number;
}

/**
 * Creates the GitHub client used for issues, comments and the state branch. Server
 * errors are retried by the retry plugin; 400, 401, 403, 404, 410, 422 and 451 are
 * final there, and rate limits go to the throttling plugin, which waits for the
 * reset time before retrying.
 */
export function createOctokit(options: GitHubClientOptions): GitHubClient {
  const { logger } = options;
  const unit = options.retryDelayUnitMs ?? 1000;

  return new ClientClass({
    auth: options.token,
    baseUrl: options.baseUrl,
    userAgent: 'acme-lineage',
    log: {
      debug: (message: string) => logger.debug(message),
      info: (message: string) => logger.debug(message),
      warn: (message: string) => logger.warning(message),
      // Octokit's request log reports every failed request here, including the 404 of a
      // state branch not created yet and the 403 of GET /user for GITHUB_TOKEN, which
      // callers expect. Callers raise the failures that matter with advice, so an error
      // level here would only add a false error annotation to the workflow run.
      error: (message: string) => logger.debug(message),
    },
    retry: { retryAfterBaseValue: unit },
    throttle: {
      retryAfterBaseValue: unit,
      onRateLimit: (retryAfter, request, _octokit, retryCount) => {
        const retrying = retryCount < RATE_LIMIT_RETRIES;
        logger.warning(
          `GitHub rate limit reached on ${request.method} ${request.url}; ` +
            (retrying
              ? `retrying in ${retryAfter} s (retry ${retryCount + 1} of ${RATE_LIMIT_RETRIES}).`
              : `giving up after ${RATE_LIMIT_RETRIES} retries.`),
        );
        return retrying;
      },
      onSecondaryRateLimit: (retryAfter, request, _octokit, retryCount) => {
        const retrying = retryCount < SECONDARY_RATE_LIMIT_RETRIES;
        logger.warning(
          `GitHub secondary rate limit reached on ${request.method} ${request.url}; ` +
            (retrying ? `retrying once in ${retryAfter} s.` : 'giving up.'),
        );
        return retrying;
      },
    },
  });
}
