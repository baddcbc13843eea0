import { rmSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';

import { loadTestbed, type Testbed } from '../helpers/testbed.js';
import { createWorkspace, runCli, testbedManifest } from '../helpers/workspace.js';
import { onStateBranch, windowInThePast } from '../helpers/state-branch.js';

describe('account key replaced between renewals', () => {
  let testbed: Testbed;

  beforeAll(() => {
    testbed = loadTestbed();
  });

  it('orders without replaces when the lineage names another account', async () => {
    const workspace = createWorkspace(
      testbedManifest(testbed, `  - name: mail\n    domains: [account-a.example.test]\n`),
    );
    expect((await runCli(testbed, workspace, 'renew')).code).toBe(0);
    await windowInThePast(testbed, workspace, 'mail');

    rmSync(workspace.accountKeyPath);
    const run = await runCli(testbed, workspace, 'renew', ['--refresh-ari']);

    expect(run.code, run.log.join('\n')).toBe(0);
    expect(run.log.some((line) => line.includes('was ordered by another account'))).toBe(true);
    const lineage = workspace.lineage('mail');
    expect(lineage.certificates).toHaveLength(2);
    expect(lineage.certificates[1]!.replaces).toBeNull();
  });

  it('falls back after 403 when the lineage wrongly claims the same account', async () => {
    const workspace = createWorkspace(
      testbedManifest(testbed, `  - name: mail\n    domains: [account-b.example.test]\n`),
    );
    expect((await runCli(testbed, workspace, 'renew')).code).toBe(0);
    await windowInThePast(testbed, workspace, 'mail');

    // A new key means a new account at the CA, but the lineage is edited to name it,
    // as a tool that lost track of the account would: only the CA can tell.
    rmSync(workspace.accountKeyPath);
    const { createPrivateKey } = await import('../../src/acme/keys.js');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(workspace.accountKeyPath, await createPrivateKey('ec-p256'), { mode: 0o600 });
    const newAccount = await accountUrlOf(testbed, workspace.accountKeyPath);
    onStateBranch(workspace, [
      [
        'sh',
        '-c',
        `sed -i 's#"accountUrl": "[^"]*"#"accountUrl": "${newAccount}"#' mail/lineage.json && git commit -qam 'Edit account'`,
      ],
    ]);

    const run = await runCli(testbed, workspace, 'renew', ['--refresh-ari']);

    expect(run.code, run.log.join('\n')).toBe(0);
    expect(
      run.log.some((line) => line.includes('(account-changed)')),
      run.log.join('\n'),
    ).toBe(true);
    const lineage = workspace.lineage('mail');
    expect(lineage.certificates).toHaveLength(2);
    expect(lineage.certificates[1]!.replaces).toBeNull();
    expect(lineage.replacesBlocks?.map((block) => block.reason)).toEqual(['account-changed']);
  });
});

async function accountUrlOf(testbed: Testbed, keyPath: string): Promise<string> {
  const { readFileSync } = await import('node:fs');
  const { AcmeSession, configureAcmeHttp } = await import('../../src/acme/session.js');
  const { createHttpClient } = await import('../../src/http.js');
  const { createMemoryLogger } = await import('../../src/log.js');
  const http = createHttpClient({
    userAgent: 'acme-lineage-test',
    caCertificates: readFileSync(testbed.caCertPath, 'utf8'),
  });
  configureAcmeHttp({ userAgent: 'acme-lineage-test', agent: http.agent });
  const session = await AcmeSession.open({
    directoryUrl: testbed.directoryUrl,
    accountKeyPem: readFileSync(keyPath, 'utf8'),
    logger: createMemoryLogger(),
  });
  http.close();
  return session.accountUrl;
}
