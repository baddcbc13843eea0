import { statSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

import { AcmeSession, configureAcmeHttp } from '../../src/acme/session.js';
import { fetchOrder } from '../../src/acme/order.js';
import { createHttpClient } from '../../src/http.js';
import { createMemoryLogger } from '../../src/log.js';
import { loadTestbed, setRenewalInfo, type Testbed } from '../helpers/testbed.js';
import { createWorkspace, runCli, testbedManifest, type Workspace } from '../helpers/workspace.js';
import { readFileSync } from 'node:fs';

const HOUR = 3_600_000;

describe('renew on the test bed', () => {
  let testbed: Testbed;
  let workspace: Workspace;

  beforeAll(() => {
    testbed = loadTestbed();
    workspace = createWorkspace(
      testbedManifest(
        testbed,
        `  - name: web
    domains: [example.test, "*.example.test"]
  - name: api
    domains: [api.example.org.test]
  - name: mail
    domains: [mail.example.test, smtp.example.test]
`,
      ),
    );
  });

  it('first run issues every certificate and commits the lineage', async () => {
    const run = await runCli(testbed, workspace, 'renew');

    expect(run.code, run.log.join('\n')).toBe(0);
    for (const name of ['web', 'api', 'mail']) {
      const lineage = workspace.lineage(name);
      expect(lineage.certificates).toHaveLength(1);
      expect(lineage.pendingOrder).toBeUndefined();
      const [record] = lineage.certificates;
      expect(record!.certId).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
      expect(workspace.git(['show', `acme-lineage:${name}/${record!.chainFile}`])).toContain(
        'BEGIN CERTIFICATE',
      );
      const keyMode =
        statSync(path.join(workspace.outputDirectory, name, 'privkey.pem')).mode & 0o777;
      expect(keyMode).toBe(0o600);
    }
    expect(workspace.git(['ls-tree', '-r', '--name-only', 'acme-lineage'])).not.toMatch(/privkey/);
    expect(workspace.git(['status', '--porcelain'])).toBe('');
  });

  it('second run orders nothing and logs when each certificate is due', async () => {
    const before = workspace.git(['rev-list', '--count', 'acme-lineage']);
    const run = await runCli(testbed, workspace, 'renew');

    expect(run.code, run.log.join('\n')).toBe(0);
    for (const name of ['web', 'api', 'mail']) {
      expect(workspace.lineage(name).certificates).toHaveLength(1);
      const line = run.log.find((entry) => entry.startsWith(`${name}: not due`));
      expect(line, run.log.join('\n')).toBeDefined();
      expect(line).toMatch(/window/);
    }
    const after = Number(workspace.git(['rev-list', '--count', 'acme-lineage']));
    // The first check stores each suggested window and chosen moment: at most one commit each.
    expect(after - Number(before)).toBeLessThanOrEqual(3);
  });

  it('renews with replaces once the window is in the past', async () => {
    const old = workspace.lineage('web').certificates[0]!;
    const chain = workspace.git(['show', `acme-lineage:web/${old.chainFile}`]);
    await setRenewalInfo(testbed, chain, {
      suggestedWindow: {
        start: new Date(Date.now() - 3 * HOUR).toISOString(),
        end: new Date(Date.now() - HOUR).toISOString(),
      },
    });

    // Pebble asked not to be asked again for 6 hours; an operator's run may ask anyway.
    const run = await runCli(testbed, workspace, 'renew', ['--refresh-ari']);

    expect(run.code, run.log.join('\n')).toBe(0);
    const lineage = workspace.lineage('web');
    expect(lineage.certificates).toHaveLength(2);
    const [first, second] = lineage.certificates;
    expect(second!.replaces).toBe(old.certId);
    expect(first!.replacedBy?.serial).toBe(second!.serial);
    expect(workspace.lineage('api').certificates).toHaveLength(1);

    // The CA echoes `replaces` in the order object (RFC 9773 section 5).
    const http = createHttpClient({
      userAgent: 'acme-lineage-test',
      caCertificates: readFileSync(testbed.caCertPath, 'utf8'),
    });
    configureAcmeHttp({ userAgent: 'acme-lineage-test', agent: http.agent });
    const session = await AcmeSession.open({
      directoryUrl: testbed.directoryUrl,
      accountKeyPem: readFileSync(workspace.accountKeyPath, 'utf8'),
      logger: createMemoryLogger(),
    });
    const order = await fetchOrder(session, second!.orderUrl);
    expect(order.replaces).toBe(old.certId);
    http.close();
  });
});
