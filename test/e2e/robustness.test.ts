import { lstatSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

import { createPrivateKey } from '../../src/acme/keys.js';
import { identifiersFor, placeOrder } from '../../src/acme/order.js';
import { AcmeSession, configureAcmeHttp } from '../../src/acme/session.js';
import { createHttpClient } from '../../src/http.js';
import { createGitLineageStore } from '../../src/lineage/git-store.js';
import { journalPendingOrder } from '../../src/lineage/lineage.js';
import { createMemoryLogger } from '../../src/log.js';
import { windowInThePast } from '../helpers/state-branch.js';
import { loadTestbed, type Testbed } from '../helpers/testbed.js';
import { createWorkspace, runCli, testbedManifest } from '../helpers/workspace.js';

function errorLine(log: string[], name: string): string | undefined {
  return log.find((line) => line.startsWith(`error: ${name}:`));
}

describe('robustness on the test bed', () => {
  let testbed: Testbed;

  beforeAll(() => {
    testbed = loadTestbed();
  });

  it('records the key as lost when the output directory cannot be written', async () => {
    const workspace = createWorkspace(
      testbedManifest(testbed, `  - name: k\n    domains: [unwritable.example.test]\n`),
    );
    expect((await runCli(testbed, workspace, 'renew')).code).toBe(0);
    await windowInThePast(testbed, workspace, 'k');
    const folder = path.join(workspace.outputDirectory, 'k');
    const { rmSync } = await import('node:fs');
    rmSync(folder, { recursive: true });
    writeFileSync(folder, 'a file where the folder should be');

    const failed = await runCli(testbed, workspace, 'renew', ['--refresh-ari']);

    expect(failed.code).toBe(1);
    expect(errorLine(failed.log, 'k')).toMatch(
      new RegExp(`writing it to ${workspace.outputDirectory} failed`),
    );
    expect(workspace.lineage('k').certificates.at(-1)!.keyLost).toBe(true);

    rmSync(folder);
    const next = await runCli(testbed, workspace, 'renew');
    expect(next.code, next.log.join('\n')).toBe(0);
    expect(workspace.lineage('k').certificates).toHaveLength(3);
    expect(readFileSync(path.join(folder, 'privkey.pem'), 'utf8')).toContain('PRIVATE KEY');
  });

  it('drops a journaled order whose domains left the manifest', async () => {
    const workspace = createWorkspace(
      testbedManifest(testbed, `  - name: m\n    domains: [moved-new.example.test]\n`),
    );
    writeFileSync(workspace.accountKeyPath, await createPrivateKey('ec-p256'), { mode: 0o600 });
    const http = createHttpClient({
      userAgent: 'acme-lineage-test',
      caCertificates: readFileSync(testbed.caCertPath, 'utf8'),
    });
    configureAcmeHttp({ userAgent: 'acme-lineage-test', agent: http.agent });
    const logger = createMemoryLogger();
    const session = await AcmeSession.open({
      directoryUrl: testbed.directoryUrl,
      accountKeyPem: readFileSync(workspace.accountKeyPath, 'utf8'),
      logger,
    });
    const stale = await placeOrder(session, {
      identifiers: identifiersFor(['moved-old.example.test']),
      profile: 'shortlived',
    });
    http.close();
    const store = createGitLineageStore({ repository: workspace.directory, logger });
    await store.update(
      'm',
      (current) => ({
        lineage: journalPendingOrder(current ?? { schemaVersion: 1, name: 'm', certificates: [] }, {
          orderUrl: stale.url,
          directoryUrl: testbed.directoryUrl,
          accountUrl: session.accountUrl,
          identifiers: ['moved-old.example.test'],
          replaces: null,
          startedAt: new Date().toISOString(),
        }),
      }),
      'Journal an order for the old name',
    );

    const run = await runCli(testbed, workspace, 'renew');

    expect(run.code, run.log.join('\n')).toBe(0);
    expect(run.log.some((line) => line.includes(`dropping journaled order ${stale.url}`))).toBe(
      true,
    );
    const lineage = workspace.lineage('m');
    expect(lineage.pendingOrder).toBeUndefined();
    expect(lineage.certificates).toHaveLength(1);
  });

  it('names the account key and the fix when the key is not usable', async () => {
    const workspace = createWorkspace(
      testbedManifest(testbed, `  - name: a\n    domains: [bad-key.example.test]\n`),
    );
    writeFileSync(
      workspace.accountKeyPath,
      '-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n',
    );

    const run = await runCli(testbed, workspace, 'renew');

    expect(run.code).toBe(1);
    expect(errorLine(run.log, 'a')).toMatch(/account key is not a readable private key/);
    expect(errorLine(run.log, 'a')).toMatch(/openssl genpkey/);
  });

  it('says the CA is unreachable instead of a TypeError', async () => {
    const workspace = createWorkspace(
      testbedManifest(testbed, `  - name: u\n    domains: [unreachable.example.test]\n`).replace(
        testbed.directoryUrl,
        'https://127.0.0.1:9/dir',
      ),
    );

    const run = await runCli(testbed, workspace, 'renew');

    expect(run.code).toBe(1);
    const error = errorLine(run.log, 'u');
    expect(error).toMatch(/Cannot read the ACME directory https:\/\/127\.0\.0\.1:9\/dir/);
    expect(error).not.toMatch(/TypeError|reading 'config'/);
  });

  it('names a state repository that does not exist', async () => {
    const workspace = createWorkspace(
      testbedManifest(testbed, `  - name: s\n    domains: [state.example.test]\n`),
    );

    const run = await runCli(testbed, workspace, 'plan', ['--state', '/nonexistent/state']);

    expect(run.code).toBe(1);
    expect(run.log.join('\n')).toMatch(/State repository \/nonexistent\/state does not exist/);
  });

  it('replaces a symbolic link at the key path instead of writing through it', async () => {
    const workspace = createWorkspace(
      testbedManifest(testbed, `  - name: l\n    domains: [symlink.example.test]\n`),
    );
    const folder = path.join(workspace.outputDirectory, 'l');
    mkdirSync(folder, { recursive: true });
    const victim = path.join(workspace.outputDirectory, 'victim.txt');
    writeFileSync(victim, 'untouched');
    symlinkSync(victim, path.join(folder, 'privkey.pem'));

    const run = await runCli(testbed, workspace, 'renew');

    expect(run.code, run.log.join('\n')).toBe(0);
    expect(readFileSync(victim, 'utf8')).toBe('untouched');
    expect(lstatSync(path.join(folder, 'privkey.pem')).isSymbolicLink()).toBe(false);
    expect(readFileSync(path.join(workspace.outputDirectory, '.gitignore'), 'utf8')).toBe('*\n');
  });

  it('creates no account key in a dry run', async () => {
    const workspace = createWorkspace(
      testbedManifest(testbed, `  - name: d\n    domains: [dry.example.test]\n`),
    );

    const run = await runCli(testbed, workspace, 'renew', ['--dry-run']);

    expect(run.code).toBe(0);
    const { existsSync } = await import('node:fs');
    expect(existsSync(workspace.accountKeyPath)).toBe(false);
    expect(workspace.git(['branch', '--list', 'acme-lineage'])).toBe('');
  });
});
