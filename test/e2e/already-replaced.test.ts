import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

import { identifiersFor, placeOrder } from '../../src/acme/order.js';
import { AcmeSession, configureAcmeHttp } from '../../src/acme/session.js';
import { createHttpClient } from '../../src/http.js';
import { createMemoryLogger } from '../../src/log.js';
import { completeOrder } from '../../src/renew/complete-order.js';
import { createDnsProvider } from '../../src/dns/registry.js';
import { presentChallenges } from '../../src/dns/challenge.js';
import { onStateBranch, windowInThePast } from '../helpers/state-branch.js';
import { loadTestbed, type Testbed } from '../helpers/testbed.js';
import {
  createWorkspace,
  runCli,
  testbedEnv,
  testbedManifest,
  type Workspace,
} from '../helpers/workspace.js';

describe('CA reports an existing replacement order', () => {
  let testbed: Testbed;

  beforeAll(() => {
    testbed = loadTestbed();
  });

  /** Issues A, then B replacing A, on a fresh workspace; returns both records. */
  async function issueAThenB(name: string, domain: string) {
    const workspace = createWorkspace(
      testbedManifest(testbed, `  - name: ${name}\n    domains: [${domain}, "*.${domain}"]\n`),
    );
    expect((await runCli(testbed, workspace, 'renew')).code).toBe(0);
    const a = workspace.lineage(name).certificates[0]!;
    await windowInThePast(testbed, workspace, name);
    expect((await runCli(testbed, workspace, 'renew', ['--refresh-ari'])).code).toBe(0);
    const b = workspace.lineage(name).certificates[1]!;
    expect(b.replaces).toBe(a.certId);
    return { workspace, a, b };
  }

  /** Checks A → B → C, where B came back without its key and C replaces B. */
  function expectRecoveredChain(
    workspace: Workspace,
    name: string,
    a: { serial: string },
    b: { serial: string; certId: string | null },
  ) {
    const lineage = workspace.lineage(name);
    expect(lineage.certificates).toHaveLength(3);
    const [first, second, third] = lineage.certificates;
    expect(first!.serial).toBe(a.serial);
    expect(first!.replacedBy?.serial).toBe(b.serial);
    expect(second!.serial).toBe(b.serial);
    expect(second!.keyLost).toBe(true);
    expect(second!.replacedBy?.serial).toBe(third!.serial);
    expect(third!.replaces).toBe(b.certId);
    expect(lineage.pendingOrder).toBeUndefined();
    expect(
      readFileSync(path.join(workspace.outputDirectory, name, 'privkey.pem'), 'utf8'),
    ).toContain('PRIVATE KEY');
  }

  it('resumes the journaled order when the record commit was reverted', async () => {
    const { workspace, a, b } = await issueAThenB('web', 'revert-record.example.test');
    const recordB = workspace.git([
      'log',
      '--format=%H',
      '-1',
      '--grep',
      `Record certificate ${b.serial}`,
      'acme-lineage',
    ]);
    onStateBranch(workspace, [['revert', '--no-edit', recordB]]);
    expect(workspace.lineage('web').pendingOrder?.orderUrl).toBe(b.orderUrl);

    const run = await runCli(testbed, workspace, 'renew');

    expect(run.code, run.log.join('\n')).toBe(0);
    expect(run.log.some((line) => line.includes(`resuming journaled order ${b.orderUrl}`))).toBe(
      true,
    );
    expect(run.log.some((line) => line.includes('already has a replacement order'))).toBe(false);
    expectRecoveredChain(workspace, 'web', a, b);
  });

  it('finds the lost order in the history after alreadyReplaced', async () => {
    const { workspace, a, b } = await issueAThenB('web', 'revert-both.example.test');
    const journalB = workspace.git([
      'log',
      '--format=%H',
      '-1',
      '--grep',
      'Journal order for web',
      'acme-lineage',
    ]);
    onStateBranch(workspace, [['revert', '--no-edit', `${journalB}^..acme-lineage`]]);
    expect(workspace.lineage('web').certificates).toHaveLength(1);
    expect(workspace.lineage('web').pendingOrder).toBeUndefined();

    const run = await runCli(testbed, workspace, 'renew', ['--refresh-ari']);

    expect(run.code, run.log.join('\n')).toBe(0);
    expect(
      run.log.some((line) => /alreadyReplaced|already has a replacement order/.test(line)),
      run.log.join('\n'),
    ).toBe(true);
    expect(run.log.some((line) => line.includes(`names order ${b.orderUrl}`))).toBe(true);
    expectRecoveredChain(workspace, 'web', a, b);

    const again = await runCli(testbed, workspace, 'renew');
    expect(again.code).toBe(0);
    expect(workspace.lineage('web').certificates).toHaveLength(3);
  });

  it('orders without replaces when another client replaced the certificate', async () => {
    const workspace = createWorkspace(
      testbedManifest(testbed, `  - name: api\n    domains: [other-client.example.test]\n`),
    );
    expect((await runCli(testbed, workspace, 'renew')).code).toBe(0);
    const a = workspace.lineage('api').certificates[0]!;

    await replaceElsewhere(testbed, workspace, 'other-client.example.test', a.certId!);

    await windowInThePast(testbed, workspace, 'api');
    const run = await runCli(testbed, workspace, 'renew', ['--refresh-ari']);

    expect(run.code, run.log.join('\n')).toBe(0);
    const lineage = workspace.lineage('api');
    expect(lineage.certificates).toHaveLength(2);
    expect(lineage.certificates[0]!.replacedBy?.unknownOrder).toBe(true);
    expect(lineage.certificates[1]!.replaces).toBeNull();
    expect(lineage.replacesBlocks?.map((block) => block.reason)).toEqual(['already-replaced']);

    const again = await runCli(testbed, workspace, 'renew');
    expect(again.code).toBe(0);
    expect(workspace.lineage('api').certificates).toHaveLength(2);
  });

  it('keeps failing under on-already-replaced: fail until the operator acts', async () => {
    const workspace = createWorkspace(
      testbedManifest(
        testbed,
        `  - name: strict\n    domains: [strict.example.test]\n    on-already-replaced: fail\n`,
      ),
    );
    expect((await runCli(testbed, workspace, 'renew')).code).toBe(0);
    const a = workspace.lineage('strict').certificates[0]!;
    await replaceElsewhere(testbed, workspace, 'strict.example.test', a.certId!);
    await windowInThePast(testbed, workspace, 'strict');

    const first = await runCli(testbed, workspace, 'renew', ['--refresh-ari']);
    const second = await runCli(testbed, workspace, 'renew', ['--refresh-ari']);

    expect(first.code).toBe(1);
    expect(first.log.join('\n')).toMatch(/on-already-replaced: fail, so nothing was ordered/);
    expect(second.code).toBe(1);
    expect(second.log.join('\n')).toMatch(/nothing is ordered until you apply a fix/);
    expect(workspace.lineage('strict').certificates).toHaveLength(1);
  });
});

/** Another client with the same account orders and finalizes a replacement of `certId`. */
async function replaceElsewhere(
  testbed: Testbed,
  workspace: Workspace,
  domain: string,
  certId: string,
): Promise<void> {
  const caCertificates = readFileSync(testbed.caCertPath, 'utf8');
  const http = createHttpClient({ userAgent: 'another-client', caCertificates });
  configureAcmeHttp({ userAgent: 'another-client', agent: http.agent });
  const logger = createMemoryLogger();
  const session = await AcmeSession.open({
    directoryUrl: testbed.directoryUrl,
    accountKeyPem: readFileSync(workspace.accountKeyPath, 'utf8'),
    logger,
  });
  const order = await placeOrder(session, {
    identifiers: identifiersFor([domain]),
    profile: 'shortlived',
    replaces: certId,
  });
  const provider = createDnsProvider(
    { provider: 'rfc2136', nameservers: [testbed.dns.server], options: {} },
    testbedEnv(testbed),
  );
  const spec = { domains: [domain], keyType: 'ec-p256' } as never;
  await completeOrder(
    session,
    order,
    spec,
    (records) =>
      presentChallenges(records, provider, { logger, nameservers: [testbed.dns.server] }),
    logger,
    60_000,
  );
  http.close();
}
