import type { Octokit } from '@octokit/rest';

import type { Logger } from '../log.js';
import { PermissionError, toPermissionError } from './permissions.js';

/** Hidden marker that identifies the plan comment among a pull request's comments. */
export const PLAN_COMMENT_MARKER = '<!-- acme-lineage:plan -->';

/** Login of the author of comments written with a workflow's GITHUB_TOKEN. */
export const ACTIONS_BOT_LOGIN = 'github-actions[bot]';

/** Pull request (or issue) that receives the comment. */
export interface CommentTarget {
  owner: string;
  repo: string;
  issueNumber: number;
}

export interface UpsertCommentResult {
  action: 'created' | 'updated' | 'unchanged';
  id: number;
  url: string;
}

/**
 * Creates the plan comment on a pull request, or edits it in place when an earlier
 * run left one, so each pull request keeps a single plan comment. A comment counts
 * as ours when it contains `marker` and its author is `github-actions[bot]` or the
 * login that GET /user returns for the token.
 */
export async function upsertPlanComment(
  octokit: Octokit,
  target: CommentTarget,
  body: string,
  marker: string,
  logger: Logger,
): Promise<UpsertCommentResult> {
  const text = body.includes(marker) ? body : `${marker}\n${body}`;
  const authors = await tokenAuthors(octokit, logger);
  const pullRequest = `${target.owner}/${target.repo}#${target.issueNumber}`;

  const existing = await findComment(octokit, target, marker, authors);
  if (existing && existing.body === text) {
    logger.info(`Plan comment on ${pullRequest} is up to date: ${existing.url}`);
    return { action: 'unchanged', id: existing.id, url: existing.url };
  }

  if (existing) {
    const updated = await withAdvice(pullRequest, 'Editing the plan comment', () =>
      octokit.rest.issues.updateComment({
        owner: target.owner,
        repo: target.repo,
        comment_id: existing.id,
        body: text,
      }),
    );
    logger.info(`Updated the plan comment on ${pullRequest}: ${updated.data.html_url}`);
    return { action: 'updated', id: updated.data.id, url: updated.data.html_url };
  }

  const created = await withAdvice(pullRequest, 'Creating the plan comment', () =>
    octokit.rest.issues.createComment({
      owner: target.owner,
      repo: target.repo,
      issue_number: target.issueNumber,
      body: text,
    }),
  );
  logger.info(`Created the plan comment on ${pullRequest}: ${created.data.html_url}`);
  return { action: 'created', id: created.data.id, url: created.data.html_url };
}

/**
 * Returns the logins whose comments count as ours. GET /user fails with 403 for a
 * GITHUB_TOKEN, which is why `github-actions[bot]` is always included.
 */
async function tokenAuthors(octokit: Octokit, logger: Logger): Promise<Set<string>> {
  // NOTE: a GitHub App installation token also gets 403 here, and its comments carry
  // the app's own `<slug>[bot]` login, so with such a token each run adds a comment.
  const authors = new Set([ACTIONS_BOT_LOGIN]);
  try {
    const user = await octokit.rest.users.getAuthenticated();
    authors.add(user.data.login);
  } catch (error) {
    const status = (error as { status?: unknown }).status;
    logger.debug(
      `GET /user failed (status ${String(status)}), so only ${ACTIONS_BOT_LOGIN} comments count as ours.`,
    );
  }
  return authors;
}

/** Pages through every comment and returns the oldest one that is ours, if any. */
async function findComment(
  octokit: Octokit,
  target: CommentTarget,
  marker: string,
  authors: Set<string>,
): Promise<{ id: number; body: string; url: string } | undefined> {
  const pullRequest = `${target.owner}/${target.repo}#${target.issueNumber}`;
  const pages = octokit.paginate.iterator(octokit.rest.issues.listComments, {
    owner: target.owner,
    repo: target.repo,
    issue_number: target.issueNumber,
    per_page: 100,
  });

  try {
    for await (const page of pages) {
      const match = page.data.find(
        (comment) =>
          comment.user !== null &&
          authors.has(comment.user.login) &&
          (comment.body ?? '').includes(marker),
      );
      if (match) return { id: match.id, body: match.body ?? '', url: match.html_url };
    }
  } catch (error) {
    throw adviceFor(error, pullRequest, 'Listing the comments');
  }
  return undefined;
}

async function withAdvice<T>(
  pullRequest: string,
  action: string,
  request: () => Promise<T>,
): Promise<T> {
  try {
    return await request();
  } catch (error) {
    throw adviceFor(error, pullRequest, action);
  }
}

/**
 * Converts a GitHub failure into an error that names the missing permission. On a
 * pull request from a fork, GITHUB_TOKEN is read-only whatever the workflow grants,
 * so that case gets its own hint.
 */
function adviceFor(error: unknown, pullRequest: string, action: string): Error {
  const [repository = pullRequest, number = ''] = pullRequest.split('#');
  const permissionError = toPermissionError(
    error,
    'pull-requests',
    `${action} of pull request #${number}`,
    repository,
  );
  if (permissionError) {
    return new PermissionError(
      `${permissionError.message}\nOn pull requests from forks the token is read-only whatever the ` +
        `workflow grants, so the plan is shown only in the job summary there.`,
      permissionError.permission,
      permissionError.status,
    );
  }
  const detail = error instanceof Error ? error.message : String(error);
  return new Error(`${action} of ${pullRequest} failed: ${detail}`, { cause: error });
}
