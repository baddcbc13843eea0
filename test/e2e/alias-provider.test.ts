import { beforeAll, describe, expect, it } from 'vitest';

import { loadTestbed, type Testbed } from '../helpers/testbed.js';
import { createWorkspace, runCli, testbedEnv, testbedManifest } from '../helpers/workspace.js';

describe('challenge-alias-dns on the test bed', () => {
  let testbed: Testbed;

  beforeAll(() => {
    testbed = loadTestbed();
  });

  it('issues while the certificate provider is unreachable', async () => {
    const target = testbed.dns.cnameDelegations['_acme-challenge.alias.example.test'];
    expect(target).toBeDefined();
    // The zone of alias.example.test is at Cloudflare, which this workflow cannot reach,
    // while the test bed's BIND serves delegated.test and accepts RFC 2136 updates.
    const workspace = createWorkspace(
      testbedManifest(
        testbed,
        `  - name: alias-provider
    domains: [alias.example.test]
    dns:
      provider: cloudflare
      challenge-alias-dns:
        provider: rfc2136
        nameservers: ["${testbed.dns.server}"]
`,
      ),
    );
    // fetch rejects port 9 as a bad port before connecting, so every Cloudflare call fails here.
    const env = {
      ...testbedEnv(testbed),
      CLOUDFLARE_API_BASE_URL: 'http://127.0.0.1:9/',
      CLOUDFLARE_DNS_API_TOKEN: 'dummy-token',
    };

    const run = await runCli(testbed, workspace, 'renew', [], env);

    expect(run.code, run.log.join('\n')).toBe(0);
    expect(run.log).toContain(
      `rfc2136: added 1 TXT value(s) at ${target} (CNAME from _acme-challenge.alias.example.test)`,
    );
    expect(run.log.join('\n')).not.toMatch(/cloudflare/i);
    expect(workspace.lineage('alias-provider').certificates).toHaveLength(1);
  });

  it('issues without credentials for the certificate provider', async () => {
    const workspace = createWorkspace(
      testbedManifest(
        testbed,
        `  - name: alias-no-token
    domains: [alias.example.test]
    dns:
      provider: cloudflare
      challenge-alias-dns: { provider: rfc2136 }
`,
      ),
    );

    // testbedEnv has no Cloudflare variables, so creating that provider would fail.
    const run = await runCli(testbed, workspace, 'renew');

    expect(run.code, run.log.join('\n')).toBe(0);
    expect(workspace.lineage('alias-no-token').certificates).toHaveLength(1);
  });
});
