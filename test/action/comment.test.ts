import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { createOctokit } from '../../src/github/client.js';
import { PLAN_COMMENT_MARKER, upsertPlanComment } from '../../src/github/comment.js';
import { PermissionError } from '../../src/github/permissions.js';
import { createMemoryLogger } from '../../src/log.js';
import { FakeGitHub } from '../helpers/fake-github.js';
import {
  type FakePullRequestComments,
  registerPullRequestCommentRoutes,
} from '../helpers/fake-github-routes.js';

const PULL_REQUEST = 7;
const LIST_ROUTE = `/repos/example/certificates/issues/:number/comments`;

let fake: FakeGitHub;
let comments: FakePullRequestComments;

function upsert(body: string) {
  const logger = createMemoryLogger();
  const octokit = createOctokit({
    token: 'test-token',
    baseUrl: fake.url,
    logger,
    retryDelayUnitMs: 1,
  });
  const target = { owner: fake.owner, repo: fake.repo, issueNumber: PULL_REQUEST };
  return upsertPlanComment(octokit, target, body, PLAN_COMMENT_MARKER, logger);
}

function ours(): { body: string }[] {
  return comments.comments.filter(
    (comment) =>
      comment.issueNumber === PULL_REQUEST &&
      comment.author === comments.tokenAuthor &&
      comment.body.includes(PLAN_COMMENT_MARKER),
  );
}

beforeEach(async () => {
  fake = await FakeGitHub.start();
  comments = registerPullRequestCommentRoutes(fake);
  for (let i = 0; i < 230; i++) {
    comments.add(PULL_REQUEST, `reviewer-${i % 3}`, `Looks fine, comment ${i}`);
  }
  // Someone quoting the marker must not make their comment ours.
  comments.add(PULL_REQUEST, 'reviewer-0', `> ${PLAN_COMMENT_MARKER}\n> old plan`);
  comments.add(
    PULL_REQUEST + 1,
    'github-actions[bot]',
    `${PLAN_COMMENT_MARKER}\nplan of another pull request`,
  );
});

afterEach(async () => {
  await fake.close();
});

describe('upsertPlanComment', () => {
  it('creates, then edits in place', async () => {
    const first = await upsert(`${PLAN_COMMENT_MARKER}\nplan 1`);
    const second = await upsert(`${PLAN_COMMENT_MARKER}\nplan 2`);

    expect(first.action).toBe('created');
    expect(second.action).toBe('updated');
    expect(second.id).toBe(first.id);
    expect(ours()).toHaveLength(1);
    expect(ours()[0]?.body).toBe(`${PLAN_COMMENT_MARKER}\nplan 2`);
  });

  it('pages through every comment', async () => {
    await upsert(`${PLAN_COMMENT_MARKER}\nplan 1`);
    fake.requests.length = 0;

    await upsert(`${PLAN_COMMENT_MARKER}\nplan 2`);

    const pages = fake.requestsTo('GET', LIST_ROUTE);
    expect(pages).toHaveLength(3);
    expect(pages.map((request) => request.query.get('page') ?? '1')).toEqual(['1', '2', '3']);
  });

  it('leaves an identical comment alone', async () => {
    await upsert(`${PLAN_COMMENT_MARKER}\nplan 1`);
    const again = await upsert(`${PLAN_COMMENT_MARKER}\nplan 1`);

    expect(again.action).toBe('unchanged');
    expect(
      fake.requestsTo('PATCH', '/repos/example/certificates/issues/comments/:id'),
    ).toHaveLength(0);
  });

  it('adds the marker when the body lacks it', async () => {
    await upsert('plan without marker');

    expect(ours()[0]?.body).toBe(`${PLAN_COMMENT_MARKER}\nplan without marker`);
  });

  it('finds comments of the user that GET /user returns', async () => {
    comments.userLogin = 'release-bot-user';
    comments.tokenAuthor = 'release-bot-user';
    const earlier = comments.add(
      PULL_REQUEST,
      'release-bot-user',
      `${PLAN_COMMENT_MARKER}\nplan 0`,
    );

    const result = await upsert(`${PLAN_COMMENT_MARKER}\nplan 1`);

    expect(result.action).toBe('updated');
    expect(result.id).toBe(earlier.id);
    expect(earlier.body).toBe(`${PLAN_COMMENT_MARKER}\nplan 1`);
  });

  it('ignores marked comments by other authors', async () => {
    const result = await upsert(`${PLAN_COMMENT_MARKER}\nplan 1`);

    expect(result.action).toBe('created');
    expect(comments.comments.find((comment) => comment.body.startsWith('> '))?.body).toContain(
      'old plan',
    );
  });

  it('names the permission when creating is forbidden', async () => {
    fake.fail('POST', `/repos/example/certificates/issues/:number/comments`);

    const failure = upsert(`${PLAN_COMMENT_MARKER}\nplan 1`);

    await expect(failure).rejects.toBeInstanceOf(PermissionError);
    await expect(failure).rejects.toThrow('pull-requests: write');
    await expect(failure).rejects.toThrow('forks');
  });
});
