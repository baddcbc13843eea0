import { existsSync, statSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  pullRequestPayload,
  schedulePayload,
  workflowDispatchPayload,
} from '../helpers/action-runner.js';
import { loadTestbed, type Testbed } from '../helpers/testbed.js';
import { createWorkspace, testbedManifest, type LineageFile } from '../helpers/workspace.js';
import {
  createAccountKey,
  expectNoSecrets,
  requestBodies,
  requestLines,
  runOnTestbed,
  secretValues,
  startFakeRepository,
  type FakeRepository,
} from './setup.js';

const BRANCH = 'acme-lineage';

interface RenewedOutput {
  name: string;
  serial: string;
  'certificate-path': string;
  'fullchain-path': string;
  'chain-path': string;
  'key-path': string;
  'not-after': string;
}

let testbed: Testbed;
let fake: FakeRepository;
let accountKey: string;

beforeAll(async () => {
  testbed = loadTestbed();
  fake = await startFakeRepository();
  accountKey = await createAccountKey();
});

afterAll(async () => {
  await fake?.github.close();
});

function lineageOnFake(name: string): LineageFile | undefined {
  const text = fake.git.fileAt(BRANCH, `${name}/lineage.json`);
  return text === undefined ? undefined : (JSON.parse(text) as LineageFile);
}

describe('action on a schedule event', () => {
  it('issues the manifest certificates through the Git Data API', async () => {
    const workspace = createWorkspace(
      testbedManifest(
        testbed,
        `  - name: www
    domains: [action-schedule.example.test, "*.action-schedule.example.test"]
  - name: relay
    domains: [relay.action-schedule.example.test]
`,
      ),
    );
    const before = fake.github.requests.length;

    const run = await runOnTestbed({
      testbed,
      fake,
      workspace,
      accountKey,
      event: { name: 'schedule', payload: schedulePayload(fake.target) },
      inputs: { 'state-backend': 'github' },
    });

    const log = `${run.stdout.join('\n')}\n${run.stderr}`;
    expect(run.code, log).toBe(0);
    // GitHub returns 404 for a branch not created yet, which the store expects, so no annotation.
    expect(run.stdout.filter((line) => line.startsWith('::error'))).toEqual([]);
    expect(run.outputs['renewed-count']).toBe('2');
    expect(run.outputs['certificate-directory']).toBe(workspace.outputDirectory);
    const renewed = JSON.parse(run.outputs.renewed ?? '[]') as RenewedOutput[];
    expect(renewed.map((item) => item.name).sort()).toEqual(['relay', 'www']);
    for (const item of renewed) {
      for (const key of ['certificate-path', 'fullchain-path', 'chain-path', 'key-path'] as const) {
        expect(existsSync(item[key]), `${item.name} ${key}`).toBe(true);
        expect(item[key].startsWith(workspace.outputDirectory)).toBe(true);
      }
      expect(statSync(item['key-path']).mode & 0o777).toBe(0o600);
      expect(item.serial).toMatch(/^[0-9a-f]+$/);
      expect(Date.parse(item['not-after'])).toBeGreaterThan(Date.now());
    }

    expect(run.summary).toMatch(/\| Certificate \| Domains \| Status \|/);
    expect(run.summary).toMatch(/\| \*\*www\*\* \|/);
    expect(run.summary).toMatch(/\| \*\*relay\*\* \|/);

    for (const item of renewed) {
      const lineage = lineageOnFake(item.name);
      expect(lineage?.certificates).toHaveLength(1);
      expect(lineage?.certificates[0]?.serial).toBe(item.serial);
      expect(lineage?.pendingOrder).toBeUndefined();
      const chain = fake.git.fileAt(BRANCH, `${item.name}/${lineage?.certificates[0]?.chainFile}`);
      expect(chain).toContain('BEGIN CERTIFICATE');
    }
    const requests = fake.github.requests.slice(before);
    const createRef = requests.filter(
      (request) => request.method === 'POST' && request.path.endsWith('/git/refs'),
    );
    expect(createRef.length, requestLines(fake.github)).toBeGreaterThanOrEqual(1);
    expect((createRef[0]?.body as { ref?: string }).ref).toBe(`refs/heads/${BRANCH}`);
    for (const request of requests.filter((entry) => entry.path.endsWith('/git/commits'))) {
      if (request.method !== 'POST') continue;
      const body = request.body as { message: string; tree: string; parents: string[] };
      expect(body.message).toMatch(/\S/);
      expect(body.tree).toMatch(/^[0-9a-f]{40}$/);
    }
    expect(
      requests.every((request) => request.path.startsWith('/repos/example/certificates/')),
    ).toBe(true);
    const tree = fake.git.history(BRANCH)[0]?.tree ?? '';
    expect(
      [...(fake.git.trees.get(tree)?.keys() ?? [])].some((file) => /privkey|key\.pem/.test(file)),
    ).toBe(false);

    const secrets = secretValues(testbed, accountKey, fake.github.token);
    expectNoSecrets('stdout', run.stdout.join('\n'), secrets);
    expectNoSecrets('stderr', run.stderr, secrets);
    expectNoSecrets('the job summary', run.summary, secrets);
    expectNoSecrets('the requests to GitHub', requestBodies(fake.github), secrets);
    expect(run.masks).toContain(fake.github.token);
    for (const line of accountKey.split('\n').filter((text) => /^[A-Za-z0-9+/=]{8,}$/.test(text))) {
      expect(run.masks, 'each line of the account key is masked').toContain(line);
    }
  });
});

describe('action on a workflow_dispatch event', () => {
  it('renews like a scheduled run', async () => {
    const workspace = createWorkspace(
      testbedManifest(testbed, `  - name: dispatch\n    domains: [action-dispatch.example.test]\n`),
    );

    const run = await runOnTestbed({
      testbed,
      fake,
      workspace,
      accountKey,
      event: { name: 'workflow_dispatch', payload: workflowDispatchPayload(fake.target) },
      inputs: { 'state-backend': 'github', 'state-branch': 'dispatch-lineage' },
    });

    expect(run.code, `${run.stdout.join('\n')}\n${run.stderr}`).toBe(0);
    expect(run.outputs['renewed-count']).toBe('1');
    const [renewed] = JSON.parse(run.outputs.renewed ?? '[]') as RenewedOutput[];
    expect(renewed?.name).toBe('dispatch');
    const lineage = JSON.parse(
      fake.git.fileAt('dispatch-lineage', 'dispatch/lineage.json') ?? '{}',
    );
    expect(lineage.certificates?.[0]?.serial).toBe(renewed?.serial);
  });
});

describe('action on a pull_request event', () => {
  const PULL_REQUEST = 7;
  let workspace: ReturnType<typeof createWorkspace>;

  beforeAll(async () => {
    workspace = createWorkspace(
      testbedManifest(testbed, `  - name: preview\n    domains: [action-plan.example.test]\n`),
    );
    const seeded = await runOnTestbed({
      testbed,
      fake,
      workspace,
      accountKey,
      event: { name: 'schedule', payload: schedulePayload(fake.target) },
      inputs: { 'state-backend': 'github', 'state-branch': 'plan-lineage' },
    });
    expect(seeded.code, seeded.stdout.join('\n')).toBe(0);
  });

  function planRun() {
    return runOnTestbed({
      testbed,
      fake,
      workspace,
      accountKey,
      event: { name: 'pull_request', payload: pullRequestPayload(fake.target, PULL_REQUEST) },
      inputs: { 'state-backend': 'github', 'state-branch': 'plan-lineage' },
    });
  }

  it('comments the plan once and edits it in place', async () => {
    const lineageBefore = fake.git.fileAt('plan-lineage', 'preview/lineage.json');
    const before = fake.github.requests.length;

    const first = await planRun();

    expect(first.code, `${first.stdout.join('\n')}\n${first.stderr}`).toBe(0);
    expect(first.outputs['renewed-count']).toBe('0');
    const comments = fake.pullRequestComments.comments.filter(
      (comment) => comment.issueNumber === PULL_REQUEST,
    );
    expect(comments).toHaveLength(1);
    const comment = comments[0]!;
    expect(comment.body).toContain('<!-- acme-lineage:plan -->');
    expect(comment.body).toMatch(/\| \*\*preview\*\* \|/);
    const created = fake.github.requestsTo(
      'POST',
      `/repos/${fake.target.owner}/${fake.target.repo}/issues/:number/comments`,
    );
    expect(created.at(-1)?.path).toBe(
      `/repos/${fake.target.owner}/${fake.target.repo}/issues/${PULL_REQUEST}/comments`,
    );
    expect((created.at(-1)?.body as { body: string }).body).toBe(comment.body);

    const second = await planRun();

    expect(second.code).toBe(0);
    const after = fake.pullRequestComments.comments.filter(
      (entry) => entry.issueNumber === PULL_REQUEST,
    );
    expect(after).toHaveLength(1);
    expect(after[0]?.id).toBe(comment.id);
    const edits = fake.github.requestsTo(
      'PATCH',
      `/repos/${fake.target.owner}/${fake.target.repo}/issues/comments/:id`,
    );
    expect(edits.at(-1)?.path).toBe(
      `/repos/${fake.target.owner}/${fake.target.repo}/issues/comments/${comment.id}`,
    );
    expect((edits.at(-1)?.body as { body: string }).body).toBe(after[0]?.body);
    expect(after[0]?.body).toMatch(/\| \*\*preview\*\* \|/);

    // A plan run orders nothing: the lineage is unchanged, apart from stored ARI data.
    const lineageAfter = JSON.parse(
      fake.git.fileAt('plan-lineage', 'preview/lineage.json') ?? '{}',
    );
    expect(lineageAfter.certificates).toHaveLength(1);
    expect(lineageAfter.certificates[0].serial).toBe(
      (JSON.parse(lineageBefore ?? '{}') as LineageFile).certificates[0]?.serial,
    );
    expect(lineageAfter.pendingOrder).toBeUndefined();
    const planRequests = fake.github.requests.slice(before);
    expect(
      planRequests.some(
        (request) =>
          request.path.includes('/issues') &&
          request.method === 'POST' &&
          request.path.endsWith('/issues'),
      ),
    ).toBe(false);
  });

  it('annotates manifest errors and lists them in the comment', async () => {
    const broken = createWorkspace(
      testbedManifest(
        testbed,
        `  - name: broken\n    domains: [action-plan.example.test]\n    key-type: rsa-1024\n`,
      ),
    );

    const run = await runOnTestbed({
      testbed,
      fake,
      workspace: broken,
      accountKey,
      event: { name: 'pull_request', payload: pullRequestPayload(fake.target, PULL_REQUEST + 1) },
      inputs: { 'state-backend': 'github', 'state-branch': 'broken-lineage' },
    });

    expect(run.code).toBe(1);
    const annotation = run.stdout.find((line) => line.startsWith('::error '));
    expect(annotation, run.stdout.join('\n')).toMatch(
      /^::error [^:]*file=\.github\/certificates\.yml,line=12,col=\d+::certificates\[0\]\.key-type: /,
    );
    // GET /user returns 403 to a GITHUB_TOKEN, which the comment code expects.
    expect(run.stdout.some((line) => line.startsWith('::error::GET /user'))).toBe(false);
    const comments = fake.pullRequestComments.comments.filter(
      (comment) => comment.issueNumber === PULL_REQUEST + 1,
    );
    expect(comments).toHaveLength(1);
    expect(comments[0]?.body).toContain('certificates.yml');
    expect(comments[0]?.body).toMatch(/key-type|keyType|rsa-1024/);
    expect(fake.git.fileAt('broken-lineage', 'broken/lineage.json')).toBeUndefined();
  });
});
