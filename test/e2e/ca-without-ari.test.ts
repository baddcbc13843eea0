import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { BoulderProxy } from '../helpers/boulder-proxy.js';
import { loadTestbed, type Testbed } from '../helpers/testbed.js';
import { createWorkspace, runCli, type Workspace } from '../helpers/workspace.js';

/** Directory of a CA without ARI: only the RFC 8555 resources, as field reports show. */
function withoutRenewalInfo(directory: Record<string, unknown>): void {
  delete directory.renewalInfo;
}

function manifestFor(testbed: Testbed, directoryUrl: string, domains: string): string {
  return `version: 1
defaults:
  ca: ${directoryUrl}
  profile: shortlived
  replaces: auto
  ari: true
  dns:
    provider: rfc2136
    nameservers: ["${testbed.dns.server}"]
certificates:
  - name: legacy
    domains: [${domains}]
`;
}

describe('CA without ARI', () => {
  let testbed: Testbed;
  let proxy: BoulderProxy;
  let workspace: Workspace;

  beforeAll(async () => {
    testbed = loadTestbed();
    proxy = await BoulderProxy.startForTestbed(testbed);
    proxy.editDirectory = withoutRenewalInfo;
    workspace = createWorkspace(manifestFor(testbed, proxy.directoryUrl, 'no-ari.example.test'));
  });

  afterAll(async () => {
    await proxy.close();
  });

  it('never asks renewalInfo and never sends replaces', async () => {
    expect((await runCli(testbed, workspace, 'renew')).code).toBe(0);
    const plan = await runCli(testbed, workspace, 'renew');
    expect(plan.code).toBe(0);
    expect(plan.log.some((line) => line.includes('has no renewalInfo'))).toBe(true);
    expect(
      plan.log.some((line) => /legacy: not due: .*lifetime/.test(line)),
      plan.log.join('\n'),
    ).toBe(true);

    // A changed domain list forces a new order, which must not carry replaces.
    writeFileSync(
      workspace.manifestPath,
      manifestFor(testbed, proxy.directoryUrl, 'no-ari.example.test, www.no-ari.example.test'),
    );
    const run = await runCli(testbed, workspace, 'renew');

    expect(run.code, run.log.join('\n')).toBe(0);
    expect(
      run.log.some((line) =>
        line.includes('ordering without replaces: the CA directory has no renewalInfo'),
      ),
    ).toBe(true);
    expect(workspace.lineage('legacy').certificates).toHaveLength(2);
    expect(workspace.lineage('legacy').certificates[1]!.replaces).toBeNull();
    expect(proxy.replacementOrders).toHaveLength(0);
    expect(proxy.requests.filter((request) => /renewal-?info/i.test(request.path))).toEqual([]);
  });

  it('names the EAB inputs when the CA requires external account binding', async () => {
    proxy.editDirectory = (directory) => {
      withoutRenewalInfo(directory);
      directory.meta = { ...(directory.meta as object), externalAccountRequired: true };
    };
    const other = createWorkspace(manifestFor(testbed, proxy.directoryUrl, 'eab.example.test'));

    const run = await runCli(testbed, other, 'renew');

    expect(run.code).toBe(1);
    const error = run.log.find((line) => line.startsWith('error: legacy:'));
    expect(error, run.log.join('\n')).toMatch(/requires external account binding/);
    expect(error).toMatch(/ACME_EAB_KEY_ID/);
    expect(other.git(['branch', '--list', 'acme-lineage'])).toBe('');
  });
});
