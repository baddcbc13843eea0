import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { onStateBranch, windowInThePast } from '../helpers/state-branch.js';
import { loadTestbed, type Testbed } from '../helpers/testbed.js';
import { createWorkspace, testbedManifest, type Workspace } from '../helpers/workspace.js';
import { createAccountKey, startFakeRepository, type FakeRepository } from './setup.js';
import {
  incidentIssues,
  logOf,
  replaceWithAnotherClient,
  scheduledRun,
  type StoryRun,
} from './story.js';

const RFC_9773 = 'https://www.rfc-editor.org/rfc/rfc9773';
const ALREADY_REPLACED = 'urn:ietf:params:acme:error:alreadyReplaced';
const REFUSAL = /already has a replacement order|alreadyReplaced/;

let testbed: Testbed;
let fake: FakeRepository;

beforeAll(async () => {
  testbed = loadTestbed();
  fake = await startFakeRepository();
});

afterAll(async () => {
  await fake?.github.close();
});

async function newStory(name: string, domain: string): Promise<StoryRun> {
  const workspace = createWorkspace(
    testbedManifest(testbed, `  - name: ${name}\n    domains: [${domain}]\n`),
  );
  return { testbed, fake, workspace, accountKey: await createAccountKey() };
}

function issuesOf(name: string) {
  return incidentIssues(fake).filter((issue) => issue.body?.includes(`certificate=${name} `));
}

function expectUsableCertificate(workspace: Workspace, name: string): void {
  const key = readFileSync(path.join(workspace.outputDirectory, name, 'privkey.pem'), 'utf8');
  expect(key).toContain('PRIVATE KEY');
}

describe('incident story: the record of B was reverted', () => {
  const name = 'story';
  let story: StoryRun;
  let a: { serial: string; certId: string | null };
  let b: { serial: string; certId: string | null; orderUrl: string; replaces: string | null };
  let revertCommits: string[];

  beforeAll(async () => {
    story = await newStory(name, 'revert-story.example.test');
    const first = await scheduledRun(story);
    expect(first.code, logOf(first)).toBe(0);
    a = story.workspace.lineage(name).certificates[0]!;

    await windowInThePast(testbed, story.workspace, name);
    const second = await scheduledRun(story, { 'refresh-ari': 'true' });
    expect(second.code, logOf(second)).toBe(0);
    b = story.workspace.lineage(name).certificates[1]!;
    expect(b.replaces).toBe(a.certId);

    const journal = story.workspace.git([
      'log',
      '--format=%H',
      '-1',
      '--grep',
      `Journal order for ${name}`,
      'acme-lineage',
    ]);
    const tipBefore = story.workspace.git(['rev-parse', 'acme-lineage']);
    onStateBranch(story.workspace, [['revert', '--no-edit', `${journal}^..acme-lineage`]]);
    revertCommits = story.workspace
      .git(['rev-list', `${tipBefore}..acme-lineage`])
      .split('\n')
      .filter((line) => line !== '');
    expect(story.workspace.lineage(name).certificates).toHaveLength(1);
  });

  it('recovers B and opens one issue explaining the refusal', async () => {
    const run = await scheduledRun(story, { 'refresh-ari': 'true' });

    expect(run.code, logOf(run)).toBe(0);
    expect(logOf(run)).toMatch(REFUSAL);
    const lineage = story.workspace.lineage(name);
    expect(lineage.certificates.map((record) => record.serial).slice(0, 2)).toEqual([
      a.serial,
      b.serial,
    ]);
    expect(lineage.certificates).toHaveLength(3);
    expect(lineage.certificates[1]!.keyLost).toBe(true);
    expect(lineage.certificates[2]!.replaces).toBe(b.certId);
    expect(lineage.pendingOrder).toBeUndefined();
    expectUsableCertificate(story.workspace, name);

    const issues = issuesOf(name);
    expect(issues).toHaveLength(1);
    const issue = issues[0]!;
    expect(issue.state).toBe('open');
    expect(issue.labels).toContain('acme-lineage');
    expect(run.outputs['issue-url']).toContain(`/issues/${issue.number}`);
    const body = issue.body ?? '';
    expect(body).toContain('409');
    expect(body).toContain(ALREADY_REPLACED);
    expect(body).toContain('already has a replacement order');
    expect(body).toContain(a.serial);
    expect(body).toContain(a.certId!);
    expect(
      revertCommits.some((sha) => body.includes(sha.slice(0, 12))),
      body,
    ).toBe(true);
    expect(body).toContain(b.orderUrl);
    expect(body).toContain('replaces: never');
    expect(body).toContain(RFC_9773);
    const created = fake.github.requestsTo('POST', '/repos/:owner/:repo/issues');
    expect((created.at(-1)?.body as { labels?: string[] }).labels).toContain('acme-lineage');
    expect((created.at(-1)?.body as { body?: string }).body).toBe(body);
  });

  it('names the order placed after recovering B', () => {
    const body = issuesOf(name)[0]?.body ?? '';
    const c = story.workspace.lineage(name).certificates[2]!;

    expect(body).not.toContain('No new order was placed');
    expect(body).toContain(c.serial);
    expect(body).toContain(c.orderUrl);
  });

  it('opens nothing and meets no refusal on the next run', async () => {
    const before = fake.github.requestsTo('POST', '/repos/:owner/:repo/issues').length;

    const run = await scheduledRun(story, { 'refresh-ari': 'true' });

    expect(run.code, logOf(run)).toBe(0);
    expect(logOf(run)).not.toMatch(REFUSAL);
    expect(fake.github.requestsTo('POST', '/repos/:owner/:repo/issues')).toHaveLength(before);
    expect(issuesOf(name)).toHaveLength(1);
    expect(story.workspace.lineage(name).certificates).toHaveLength(3);
  });

  it('closes the issue after a clean renewal', async () => {
    const current = story.workspace.lineage(name).certificates.at(-1)!;
    await windowInThePast(testbed, story.workspace, name);

    const run = await scheduledRun(story, { 'refresh-ari': 'true' });

    expect(run.code, logOf(run)).toBe(0);
    const lineage = story.workspace.lineage(name);
    expect(lineage.certificates).toHaveLength(4);
    expect(lineage.certificates[3]!.replaces).toBe(current.certId);
    const issue = issuesOf(name)[0]!;
    expect(issue.state).toBe('closed');
    const comments = fake.pullRequestComments.comments.filter(
      (comment) => comment.issueNumber === issue.number,
    );
    expect(comments).toHaveLength(1);
    expect(comments[0]!.body).toContain(lineage.certificates[3]!.serial);
    const closing = fake.github.requestsTo('PATCH', '/repos/:owner/:repo/issues/:number').at(-1);
    expect(closing?.path).toBe(`/repos/example/certificates/issues/${issue.number}`);
    expect((closing?.body as { state?: string }).state).toBe('closed');
  });
});

describe('incident story: another client replaced A', () => {
  const name = 'elsewhere';
  const domain = 'other-client-story.example.test';

  it('falls back without replaces and reports in Chinese', async () => {
    const story = await newStory(name, domain);
    const first = await scheduledRun(story, { language: 'zh-CN' });
    expect(first.code, logOf(first)).toBe(0);
    const a = story.workspace.lineage(name).certificates[0]!;
    await replaceWithAnotherClient(story, {
      directoryUrl: testbed.directoryUrl,
      domains: [domain],
      certId: a.certId!,
      finalize: true,
    });
    await windowInThePast(testbed, story.workspace, name);

    const run = await scheduledRun(story, { language: 'zh-CN', 'refresh-ari': 'true' });

    expect(run.code, logOf(run)).toBe(0);
    const lineage = story.workspace.lineage(name);
    expect(lineage.certificates).toHaveLength(2);
    expect(lineage.certificates[0]!.replacedBy?.unknownOrder).toBe(true);
    expect(lineage.certificates[1]!.replaces).toBeNull();
    expect(lineage.replacesBlocks?.map((block) => block.reason)).toEqual(['already-replaced']);
    expectUsableCertificate(story.workspace, name);

    const issues = issuesOf(name);
    expect(issues).toHaveLength(1);
    const body = issues[0]!.body ?? '';
    expect(body).toMatch(/[\u4e00-\u9fff]{4}/);
    expect(issues[0]!.title).toMatch(/[\u4e00-\u9fff]/);
    expect(body).toContain(ALREADY_REPLACED);
    expect(body).toContain(a.serial);
    expect(body).toContain(a.certId!);
    expect(body).toContain(lineage.certificates[1]!.serial);
    expect(body).toContain('replaces: never');
    expect(body).toContain(RFC_9773);

    const again = await scheduledRun(story, { language: 'zh-CN', 'refresh-ari': 'true' });
    expect(again.code, logOf(again)).toBe(0);
    expect(logOf(again)).not.toMatch(REFUSAL);
    expect(issuesOf(name)).toHaveLength(1);
    expect(story.workspace.lineage(name).certificates).toHaveLength(2);
  });
});
