import { beforeAll, describe, expect, it } from 'vitest';

import { loadTestbed, type Testbed } from '../helpers/testbed.js';
import { createWorkspace, runCli, testbedManifest } from '../helpers/workspace.js';

describe('CNAME delegation on the test bed', () => {
  let testbed: Testbed;

  beforeAll(() => {
    testbed = loadTestbed();
  });

  it('issues through a delegated _acme-challenge name in another zone', async () => {
    const target = testbed.dns.cnameDelegations?.['_acme-challenge.alias.example.test'];
    expect(target).toBeDefined();
    const workspace = createWorkspace(
      testbedManifest(testbed, `  - name: alias\n    domains: [alias.example.test]\n`),
    );

    const run = await runCli(testbed, workspace, 'renew');

    expect(run.code, run.log.join('\n')).toBe(0);
    expect(run.log.some((line) => line.includes(target!))).toBe(true);
    expect(workspace.lineage('alias').certificates).toHaveLength(1);
  });

  it('writes at the challenge-alias the manifest names', async () => {
    // The test bed delegates _acme-challenge.alias.example.org.test to this name by CNAME,
    // as an operator must before using challenge-alias.
    const workspace = createWorkspace(
      testbedManifest(
        testbed,
        `  - name: aliased
    domains: [alias.example.org.test]
    dns:
      challenge-alias: _acme-challenge.alias-org.delegated.test
`,
      ),
    );

    const run = await runCli(testbed, workspace, 'renew');

    expect(run.code, run.log.join('\n')).toBe(0);
    expect(run.log.some((line) => line.includes('_acme-challenge.alias-org.delegated.test'))).toBe(
      true,
    );
  });
});
