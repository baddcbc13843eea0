import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { schedulePayload } from '../helpers/action-runner.js';
import { loadTestbed, type Testbed } from '../helpers/testbed.js';
import { createWorkspace, testbedManifest, type LineageFile } from '../helpers/workspace.js';
import {
  createAccountKey,
  runOnTestbed,
  startFakeRepository,
  type FakeRepository,
} from './setup.js';

const BRANCH = 'acme-lineage';

// With two shards, a SHA-256 of the name puts bravo and charlie in shard 1 and
// alpha and hotel in shard 2 (src/action/shard.ts).
const SHARDS: Record<string, string[]> = { '1/2': ['bravo', 'charlie'], '2/2': ['alpha', 'hotel'] };

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

describe('action in a matrix of two shards', () => {
  it('lands both shards on one state branch', async () => {
    const names = [...(SHARDS['1/2'] ?? []), ...(SHARDS['2/2'] ?? [])];
    const workspace = createWorkspace(
      testbedManifest(
        testbed,
        names
          .map((name) => `  - name: ${name}\n    domains: [${name}.shard.example.test]\n`)
          .join(''),
      ),
    );

    const runs = await Promise.all(
      Object.keys(SHARDS).map((shard) =>
        runOnTestbed({
          testbed,
          fake,
          workspace,
          accountKey,
          event: { name: 'schedule', payload: schedulePayload(fake.target) },
          inputs: { 'state-backend': 'github', shard },
        }),
      ),
    );

    for (const [index, shard] of Object.keys(SHARDS).entries()) {
      const run = runs[index]!;
      const expected = SHARDS[shard] ?? [];
      expect(run.code, `${shard}\n${run.stdout.join('\n')}\n${run.stderr}`).toBe(0);
      expect(run.stdout).toContain(`shard ${shard}: ${expected.join(', ')}`);
      const renewed = JSON.parse(run.outputs.renewed ?? '[]') as Array<{ name: string }>;
      expect(renewed.map((item) => item.name).sort()).toEqual([...expected].sort());
      for (const other of names.filter((name) => !expected.includes(name))) {
        expect(run.summary, `${shard} lists ${other}`).not.toContain(`**${other}**`);
      }
    }

    for (const name of names) {
      const text = fake.git.fileAt(BRANCH, `${name}/lineage.json`);
      expect(text, `${name}/lineage.json on ${BRANCH}`).toBeDefined();
      const lineage = JSON.parse(text ?? '{}') as LineageFile;
      expect(lineage.certificates).toHaveLength(1);
      expect(lineage.pendingOrder).toBeUndefined();
    }
    const history = fake.git.history(BRANCH);
    expect(history.at(-1)?.parents).toEqual([]);
    const refUpdates = fake.github.requests.filter(
      (request) =>
        request.path.includes('/git/ref') &&
        (request.method === 'PATCH' || request.method === 'POST'),
    );
    for (const request of refUpdates) {
      expect((request.body as { force?: boolean }).force ?? false).toBe(false);
    }
  });
});
