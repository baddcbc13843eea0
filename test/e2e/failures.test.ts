import { existsSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

import { loadTestbed, type Testbed } from '../helpers/testbed.js';
import { createWorkspace, runCli, testbedEnv, testbedManifest } from '../helpers/workspace.js';

describe('failures on the test bed', () => {
  let testbed: Testbed;

  beforeAll(() => {
    testbed = loadTestbed();
  });

  it('one failing certificate does not stop the others', async () => {
    const workspace = createWorkspace(
      testbedManifest(
        testbed,
        `  - name: broken
    domains: [www.not-served.test]
  - name: fine
    domains: [fine.example.test]
`,
      ),
    );

    const run = await runCli(testbed, workspace, 'renew');

    expect(run.code).toBe(1);
    expect(run.log.some((line) => line.startsWith('error: broken:'))).toBe(true);
    expect(workspace.lineage('fine').certificates).toHaveLength(1);
    expect(existsSync(path.join(workspace.outputDirectory, 'fine', 'fullchain.pem'))).toBe(true);
    expect(run.stdout).toMatch(/broken\s+failed/);
    expect(run.stdout).toMatch(/fine\s+renewed/);
  });

  it('a malformed manifest orders and commits nothing', async () => {
    const workspace = createWorkspace(`version: 1
defaults:
  ca: ${testbed.directoryUrl}
  dns: { provider: rfc2136 }
certificates:
  - name: www
    domians: [example.test]
  - name: www
    domains: ["exa mple.test"]
`);

    const run = await runCli(testbed, workspace, 'renew');

    expect(run.code).toBe(1);
    const report = run.log.join('\n');
    expect(report).toMatch(/certificates\.yml:7:5: .*domians.*did you mean `domains`/i);
    expect(report).toMatch(/certificates\.yml:8:\d+: .*www/);
    expect(report).toMatch(/certificates\.yml:9:\d+: .*exa mple\.test/);
    expect(workspace.git(['branch', '--list', 'acme-lineage'])).toBe('');
    expect(existsSync(workspace.accountKeyPath)).toBe(false);
  });

  it('a missing account key for a production CA explains how to create one', async () => {
    const workspace = createWorkspace(
      testbedManifest(testbed, `  - name: www\n    domains: [nokey.example.test]\n`),
    );
    const { main } = await import('../../src/cli/main.js');
    const { createMemoryLogger } = await import('../../src/log.js');
    const logger = createMemoryLogger();

    const code = await main(
      [
        'renew',
        '--manifest',
        workspace.manifestPath,
        '--state',
        workspace.directory,
        '--ca-certificates',
        testbed.caCertPath,
      ],
      testbedEnv(testbed),
      { logger, stdout: () => {} },
    );

    expect(code).toBe(1);
    const error = logger.lines.find((line) => line.startsWith('error: www:'));
    expect(error).toMatch(/openssl genpkey/);
    expect(error).toMatch(/account-key/);
  });

  it('rejects a profile the CA does not offer before ordering', async () => {
    const workspace = createWorkspace(
      testbedManifest(
        testbed,
        `  - name: p\n    domains: [profile.example.test]\n    profile: tiny\n`,
      ),
    );

    const run = await runCli(testbed, workspace, 'renew');

    expect(run.code).toBe(1);
    const error = run.log.find((line) => line.startsWith('error: p:'));
    expect(error).toMatch(/offers no profile 'tiny' \(it offers: .*shortlived/);
    expect(workspace.git(['branch', '--list', 'acme-lineage'])).toBe('');
  });

  it('check names the certificates that are due', async () => {
    const workspace = createWorkspace(
      testbedManifest(testbed, `  - name: c\n    domains: [check.example.test]\n`),
    );

    const run = await runCli(testbed, workspace, 'check');

    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/check: 1 certificate\(s\) due: c/);
  });
});
