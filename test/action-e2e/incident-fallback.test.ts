import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { BoulderProxy, type BoulderMode } from '../helpers/boulder-proxy.js';
import { windowInThePast } from '../helpers/state-branch.js';
import { loadTestbed, type Testbed } from '../helpers/testbed.js';
import { createWorkspace, testbedManifest } from '../helpers/workspace.js';
import { createAccountKey, startFakeRepository, type FakeRepository } from './setup.js';
import {
  incidentIssues,
  logOf,
  replaceWithAnotherClient,
  scheduledRun,
  type StoryRun,
} from './story.js';

const PROBLEM_TYPE: Record<BoulderMode, string> = {
  boulder: 'urn:ietf:params:acme:error:alreadyReplaced',
  'boulder-2024': 'urn:ietf:params:acme:error:conflict',
};

let testbed: Testbed;
let fake: FakeRepository;

beforeAll(async () => {
  testbed = loadTestbed();
  fake = await startFakeRepository();
});

afterAll(async () => {
  await fake?.github.close();
});

/** Issues A through `directoryUrl`, then lets another client replace it. */
async function storyWithForeignReplacement(
  name: string,
  domain: string,
  directoryUrl: string,
  finalize: boolean,
): Promise<{ story: StoryRun; a: { serial: string; certId: string | null } }> {
  const workspace = createWorkspace(
    testbedManifest(testbed, `  - name: ${name}\n    domains: [${domain}]\n`).replace(
      `ca: ${testbed.directoryUrl}`,
      `ca: ${directoryUrl}`,
    ),
  );
  const story = { testbed, fake, workspace, accountKey: await createAccountKey() };
  const first = await scheduledRun(story);
  expect(first.code, logOf(first)).toBe(0);
  const a = workspace.lineage(name).certificates[0]!;

  await replaceWithAnotherClient(story, {
    directoryUrl,
    domains: [domain],
    certId: a.certId!,
    finalize,
  });
  await windowInThePast(testbed, workspace, name);
  return { story, a };
}

describe('incident without issues: write', () => {
  it('warns and puts the issue text in the job summary', async () => {
    const name = 'no-issues';
    const { story, a } = await storyWithForeignReplacement(
      name,
      'no-issues-permission.example.test',
      testbed.directoryUrl,
      true,
    );
    const issuesBefore = incidentIssues(fake).length;
    fake.github.fail('POST', '/repos/:owner/:repo/issues');

    try {
      const run = await scheduledRun(story, { 'refresh-ari': 'true' });

      expect(run.code, logOf(run)).toBe(0);
      const warning = run.stdout.find(
        (line) => line.startsWith('::warning') && line.includes('issues: write'),
      );
      expect(warning, logOf(run)).toBeDefined();
      expect(warning).toContain('job summary');
      expect(run.summary).toContain('urn:ietf:params:acme:error:alreadyReplaced');
      expect(run.summary).toContain(a.serial);
      expect(run.summary).toContain('replaces: never');
      expect(run.outputs['issue-url'] ?? '').toBe('');
      expect(incidentIssues(fake)).toHaveLength(issuesBefore);
      expect(fake.github.requestsTo('POST', '/repos/:owner/:repo/issues').length).toBeGreaterThan(
        0,
      );
      expect(story.workspace.lineage(name).certificates).toHaveLength(2);
    } finally {
      fake.github.clearFailures();
    }
  });
});

describe.each(['boulder', 'boulder-2024'] as const)('incident on %s', (mode) => {
  let proxy: BoulderProxy;

  beforeAll(async () => {
    proxy = await BoulderProxy.startForTestbed(testbed, mode);
  });

  afterAll(async () => {
    await proxy?.close();
  });

  it('falls back when a pending replacement order blocks ours', async () => {
    const name = `pending-${mode}`;
    const { story, a } = await storyWithForeignReplacement(
      name,
      `${name}.example.test`,
      proxy.directoryUrl,
      false,
    );

    const run = await scheduledRun(story, { 'refresh-ari': 'true' });

    expect(run.code, logOf(run)).toBe(0);
    expect(proxy.refusals.map((refusal) => refusal.replaces)).toEqual([a.certId]);
    const lineage = story.workspace.lineage(name);
    expect(lineage.certificates).toHaveLength(2);
    expect(lineage.certificates[0]!.replacedBy?.unknownOrder).toBe(true);
    expect(lineage.certificates[1]!.replaces).toBeNull();
    expect(lineage.replacesBlocks?.map((block) => block.certId)).toEqual([a.certId]);

    const issues = incidentIssues(fake).filter((issue) =>
      issue.body?.includes(`certificate=${name} `),
    );
    expect(issues).toHaveLength(1);
    expect(issues[0]!.body).toContain(PROBLEM_TYPE[mode]);
    expect(issues[0]!.body).toContain(a.serial);

    const again = await scheduledRun(story, { 'refresh-ari': 'true' });
    expect(again.code, logOf(again)).toBe(0);
    expect(proxy.refusals).toHaveLength(1);
    expect(story.workspace.lineage(name).certificates).toHaveLength(2);
  });
});
