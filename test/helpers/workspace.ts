import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { main } from '../../src/cli/main.js';
import { createMemoryLogger } from '../../src/log.js';
import type { Testbed } from './testbed.js';

/** A throwaway git repository holding a manifest, as a user's repository would. */
export interface Workspace {
  directory: string;
  manifestPath: string;
  accountKeyPath: string;
  outputDirectory: string;
  git(args: string[]): string;
  /** Reads and parses `<name>/lineage.json` from the state branch. */
  lineage(name: string): LineageFile;
}

/** The parts of a lineage file that tests read. */
export interface LineageFile {
  certificates: Array<{
    serial: string;
    certId: string | null;
    orderUrl: string;
    replaces: string | null;
    replacedBy?: { serial?: string; unknownOrder?: boolean };
    chainFile: string;
    keyLost?: boolean;
    ari?: { chosenRenewalTime?: string; suggestedWindow?: { start: string; end: string } };
  }>;
  pendingOrder?: { orderUrl: string; replaces: string | null };
  replacesBlocks?: Array<{ certId: string; reason: string }>;
}

export function createWorkspace(manifest: string): Workspace {
  const directory = mkdtempSync(path.join(tmpdir(), 'acme-lineage-workspace-'));
  const manifestPath = path.join(directory, '.github', 'certificates.yml');
  mkdirSync(path.dirname(manifestPath), { recursive: true });
  writeFileSync(manifestPath, manifest);

  const git = (args: string[]) =>
    execFileSync('git', args, { cwd: directory, encoding: 'utf8' }).trim();
  git(['init', '-q', '-b', 'main']);
  git(['add', '.']);
  git(['commit', '-q', '-m', 'Add the manifest']);
  return {
    directory,
    manifestPath,
    accountKeyPath: path.join(directory, '..', `${path.basename(directory)}-account.pem`),
    outputDirectory: path.join(directory, '..', `${path.basename(directory)}-certificates`),
    git,
    lineage: (name) =>
      JSON.parse(git(['show', `acme-lineage:${name}/lineage.json`])) as LineageFile,
  };
}

/** Manifest text for certificates on the test bed's CA and BIND. */
export function testbedManifest(testbed: Testbed, certificates: string, defaults = ''): string {
  return `version: 1
defaults:
  ca: ${testbed.directoryUrl}
  profile: shortlived
  dns:
    provider: rfc2136
    nameservers: ["${testbed.dns.server}"]
${defaults}
certificates:
${certificates}`;
}

/** Environment with the RFC 2136 credentials of the test bed. */
export function testbedEnv(testbed: Testbed): NodeJS.ProcessEnv {
  const key = testbed.dns.tsig.sha256;
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    RFC2136_NAMESERVER: testbed.dns.server,
    RFC2136_TSIG_KEY: key.name,
    RFC2136_TSIG_SECRET: key.secret,
    RFC2136_TSIG_ALGORITHM: key.algorithm,
  };
}

/** Runs the command line in this process and returns its exit code, log lines and output. */
export async function runCli(
  testbed: Testbed,
  workspace: Workspace,
  command: 'renew' | 'plan' | 'check',
  extra: string[] = [],
  env: NodeJS.ProcessEnv = testbedEnv(testbed),
): Promise<{ code: number; log: string[]; stdout: string }> {
  const logger = createMemoryLogger();
  let stdout = '';
  const code = await main(
    [
      command,
      '--manifest',
      workspace.manifestPath,
      '--state',
      workspace.directory,
      '--account-key',
      workspace.accountKeyPath,
      '--create-account-key',
      '--output',
      workspace.outputDirectory,
      '--ca-certificates',
      testbed.caCertPath,
      ...extra,
    ],
    env,
    { logger, stdout: (text) => (stdout += text) },
  );
  return { code, log: logger.lines, stdout };
}
