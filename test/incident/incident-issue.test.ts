import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { createOctokit, type GitHubClient } from '../../src/github/client.js';
import { reportIncident, resolveIncidents } from '../../src/github/incident-issue.js';
import { PermissionError } from '../../src/github/permissions.js';
import { createMemoryLogger } from '../../src/log.js';
import { INCIDENT_LABEL, type ReplacementIncident } from '../../src/report/incident.js';
import { FakeGitHub } from '../helpers/fake-github.js';

const ISSUES = '/repos/:owner/:repo/issues';
const ISSUE = '/repos/:owner/:repo/issues/:number';
const COMMENTS = '/repos/:owner/:repo/issues/:number/comments';
const LABELS = '/repos/:owner/:repo/labels';

function incident(overrides: Partial<ReplacementIncident> = {}): ReplacementIncident {
  return {
    certificate: 'www',
    cause: 'already-replaced',
    problem: {
      status: 409,
      type: 'urn:ietf:params:acme:error:alreadyReplaced',
      detail:
        'cannot indicate an order replaces certificate with serial "04a1", which already has a replacement order',
    },
    at: new Date('2026-12-04T19:53:13Z'),
    lineage: { serial: '04a1', certId: 'aYhb.BKE' },
    action: {
      kind: 'ordered-without-replaces',
      newSerial: '05ff',
      orderUrl: 'https://127.0.0.1:14000/my-order/1',
    },
    links: { runUrl: 'https://github.example/example/certificates/actions/runs/1' },
    policy: 'fallback',
    ...overrides,
  };
}

let github: FakeGitHub;
let octokit: GitHubClient;
const logger = createMemoryLogger();
const repository = { owner: 'example', repo: 'certificates' };

beforeEach(async () => {
  github = await FakeGitHub.start({ ...repository, token: 'ghs_test' });
  octokit = createOctokit({ token: 'ghs_test', baseUrl: github.url, logger, retryDelayUnitMs: 1 });
});

afterEach(async () => {
  await github.close();
});

describe('reportIncident', () => {
  it('creates one issue and the label', async () => {
    const report = await reportIncident(octokit, repository, incident(), 'en', logger);

    expect(report.created).toBe(true);
    expect(report.commented).toBe(false);
    expect(github.issues).toHaveLength(1);
    expect(github.issues[0]?.labels).toEqual([INCIDENT_LABEL]);
    expect(github.issues[0]?.body).toContain(
      '<!-- acme-lineage:incident certificate=www cause=already-replaced -->',
    );
    expect(report.url).toBe(
      `https://github.example/example/certificates/issues/${github.issues[0]?.number}`,
    );
    expect(github.requestsTo('POST', LABELS)).toHaveLength(1);
    expect(github.labels.map((label) => label.name)).toEqual([INCIDENT_LABEL]);
  });

  it('sends the token and JSON bodies', async () => {
    await reportIncident(octokit, repository, incident(), 'en', logger);

    const create = github.requestsTo('POST', ISSUES)[0];
    expect(create?.headers.authorization).toBe('token ghs_test');
    expect(create?.headers['content-type']).toMatch(/^application\/json/);
    expect(create?.body).toMatchObject({ labels: [INCIDENT_LABEL] });
    const list = github.requestsTo('GET', ISSUES)[0];
    expect(list?.query.get('state')).toBe('all');
    expect(list?.query.get('labels')).toBe(INCIDENT_LABEL);
    expect(list?.query.get('per_page')).toBe('100');
  });

  it('comments on the existing issue', async () => {
    const first = await reportIncident(octokit, repository, incident(), 'en', logger);
    const second = await reportIncident(octokit, repository, incident(), 'en', logger);

    expect(second.created).toBe(false);
    expect(second.commented).toBe(true);
    expect(second.url).toBe(first.url);
    expect(github.issues).toHaveLength(1);
    const comments = github.commentsOn(github.issues[0]?.number ?? 0);
    expect(comments).toHaveLength(1);
    expect(comments[0]?.body).toContain('already has a replacement order');
  });

  it('reuses an existing label', async () => {
    github.labels.push({ id: 1, name: INCIDENT_LABEL, color: '000000', description: null });

    await reportIncident(octokit, repository, incident(), 'en', logger);

    expect(github.requestsTo('POST', LABELS)).toHaveLength(0);
    expect(github.issues).toHaveLength(1);
  });

  it('finds the issue past three pages', async () => {
    await reportIncident(octokit, repository, incident(), 'en', logger);
    for (let index = 0; index < 250; index += 1) {
      github.addIssue({
        title: `Unrelated ${index}`,
        body: 'nothing to see',
        labels: [INCIDENT_LABEL],
      });
    }
    github.addIssue({
      title: 'A pull request',
      body: 'x',
      labels: [INCIDENT_LABEL],
      pull_request: { url: 'https://github.example/pr/1' },
    });

    const report = await reportIncident(octokit, repository, incident(), 'en', logger);

    expect(report.created).toBe(false);
    expect(report.commented).toBe(true);
    const pages = github
      .requestsTo('GET', ISSUES)
      .slice(1)
      .map((request) => request.query.get('page') ?? '1');
    expect(pages).toEqual(['1', '2', '3']);
    expect(
      github.issues.filter((issue) => issue.body?.includes('acme-lineage:incident')),
    ).toHaveLength(1);
  });

  it('reopens a closed issue', async () => {
    await reportIncident(octokit, repository, incident(), 'en', logger);
    const issue = github.issues[0];
    if (issue) issue.state = 'closed';

    const report = await reportIncident(octokit, repository, incident(), 'en', logger);

    expect(report.created).toBe(false);
    expect(github.issues[0]?.state).toBe('open');
    expect(github.requestsTo('PATCH', ISSUE)[0]?.body).toEqual({ state: 'open' });
  });

  it('opens a separate issue per cause', async () => {
    await reportIncident(octokit, repository, incident(), 'en', logger);
    const report = await reportIncident(
      octokit,
      repository,
      incident({ cause: 'account-changed' }),
      'en',
      logger,
    );

    expect(report.created).toBe(true);
    expect(github.issues).toHaveLength(2);
  });

  it('raises PermissionError naming issues write', async () => {
    github.fail('POST', ISSUES, { status: 403, message: 'Resource not accessible by integration' });

    const error = await reportIncident(octokit, repository, incident(), 'en', logger).catch(
      (caught: unknown) => caught,
    );

    expect(error).toBeInstanceOf(PermissionError);
    expect((error as PermissionError).permission).toBe('issues: write');
    expect((error as PermissionError).message).toContain('issues: write');
    expect((error as PermissionError).message).toContain('permissions:');
    expect((error as PermissionError).message).toContain('example/certificates');
  });

  it('raises PermissionError for a hidden repository', async () => {
    const elsewhere = { owner: 'example', repo: 'private' };

    const error = await reportIncident(octokit, elsewhere, incident(), 'en', logger).catch(
      (caught: unknown) => caught,
    );

    expect(error).toBeInstanceOf(PermissionError);
    expect((error as PermissionError).status).toBe(404);
    expect((error as PermissionError).message).toContain('example/private');
  });

  it('rejects a wrong token with 401', async () => {
    const stranger = createOctokit({
      token: 'wrong',
      baseUrl: github.url,
      logger,
      retryDelayUnitMs: 1,
    });

    const error = await reportIncident(stranger, repository, incident(), 'en', logger).catch(
      (caught: unknown) => caught,
    );

    expect((error as { status?: number }).status).toBe(401);
    expect(github.issues).toHaveLength(0);
  });
});

describe('resolveIncidents', () => {
  it('closes the issue with a comment', async () => {
    await reportIncident(octokit, repository, incident(), 'en', logger);

    const closed = await resolveIncidents(octokit, repository, 'www', 'en', { newSerial: '06aa' });

    expect(closed).toHaveLength(1);
    const issue = github.issues[0];
    expect(issue?.state).toBe('closed');
    expect(issue?.state_reason).toBe('completed');
    const comments = github.commentsOn(issue?.number ?? 0);
    expect(comments).toHaveLength(1);
    expect(comments[0]?.body).toContain('`06aa`');
  });

  it('leaves other certificates open', async () => {
    await reportIncident(octokit, repository, incident({ certificate: 'api' }), 'en', logger);

    const closed = await resolveIncidents(octokit, repository, 'www', 'en');

    expect(closed).toEqual([]);
    expect(github.issues[0]?.state).toBe('open');
    expect(github.requestsTo('POST', COMMENTS)).toHaveLength(0);
  });
});

describe('createOctokit', () => {
  it('retries after a rate limit', async () => {
    const reset = String(Math.floor(Date.now() / 1000));
    github.fail('GET', ISSUES, {
      status: 403,
      message: 'API rate limit exceeded for installation ID 1.',
      headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset },
      times: 2,
    });
    const rateLogger = createMemoryLogger();
    const client = createOctokit({
      token: 'ghs_test',
      baseUrl: github.url,
      logger: rateLogger,
      retryDelayUnitMs: 1,
    });

    const report = await reportIncident(client, repository, incident(), 'en', rateLogger);

    expect(report.created).toBe(true);
    expect(github.requestsTo('GET', ISSUES)).toHaveLength(3);
    expect(rateLogger.lines.filter((line) => line.includes('rate limit reached'))).toHaveLength(2);
  });

  it('gives up after two rate-limit retries', async () => {
    const reset = String(Math.floor(Date.now() / 1000));
    github.fail('GET', ISSUES, {
      status: 403,
      message: 'API rate limit exceeded for installation ID 1.',
      headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset },
    });

    const error = await reportIncident(octokit, repository, incident(), 'en', logger).catch(
      (caught: unknown) => caught,
    );

    expect((error as { status?: number }).status).toBe(403);
    expect(error).not.toBeInstanceOf(PermissionError);
    expect(github.requestsTo('GET', ISSUES)).toHaveLength(3);
  });

  it('retries once after a secondary rate limit', async () => {
    github.fail('GET', ISSUES, {
      status: 403,
      message:
        'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
      headers: { 'retry-after': '1' },
    });

    const error = await reportIncident(octokit, repository, incident(), 'en', logger).catch(
      (caught: unknown) => caught,
    );

    expect((error as { status?: number }).status).toBe(403);
    expect(github.requestsTo('GET', ISSUES)).toHaveLength(2);
  });
});
