import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

import {
  LINEAGE_SCHEMA_VERSION,
  type CertificateRecord,
  type Lineage,
  type PendingOrder,
} from '../../src/lineage/types.js';

export const AUTHOR = { name: 'Lineage Test', email: 'lineage-test@example.com' };

const IDENTITY_ENV = {
  GIT_AUTHOR_NAME: AUTHOR.name,
  GIT_AUTHOR_EMAIL: AUTHOR.email,
  GIT_COMMITTER_NAME: AUTHOR.name,
  GIT_COMMITTER_EMAIL: AUTHOR.email,
};

/** Runs git synchronously in `cwd` with a fixed identity and returns trimmed output. */
export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-C', cwd, ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...IDENTITY_ENV, LC_ALL: 'C' },
    stdio: ['ignore', 'pipe', 'pipe'],
  }).trim();
}

const folders: string[] = [];

export function tempFolder(prefix = 'lineage-test-'): string {
  const folder = mkdtempSync(join(tmpdir(), prefix));
  folders.push(folder);
  return folder;
}

export function removeTempFolders(): void {
  for (const folder of folders.splice(0))
    rmSync(folder, { recursive: true, force: true, maxRetries: 3 });
}

/** Initializes a work tree at `path` with one commit on `main`, like a user's checkout. */
export function initWorkTree(path: string): string {
  git(path, 'init', '--quiet', '--initial-branch=main');
  writeFileSync(join(path, 'README.md'), '# product\n');
  git(path, 'add', 'README.md');
  git(path, 'commit', '--quiet', '-m', 'Initial commit');
  return path;
}

/** Creates a bare "remote" with a `main` branch, and `count` clones of it. */
export function remoteWithClones(count: number): { remote: string; clones: string[] } {
  const root = tempFolder();
  const remote = join(root, 'remote.git');
  git(root, 'init', '--quiet', '--bare', '--initial-branch=main', remote);

  const seed = join(root, 'seed');
  mkdirSync(seed);
  initWorkTree(seed);
  git(seed, 'push', '--quiet', remote, 'main');

  const clones: string[] = [];
  for (let index = 0; index < count; index++) {
    const clone = join(root, `clone-${index}`);
    git(root, 'clone', '--quiet', remote, clone);
    clones.push(clone);
  }
  return { remote, clones };
}

/**
 * Commits `content` at `path` on the state branch from `clone` with porcelain
 * commands and pushes it, as a person editing the branch by hand would.
 * `content` undefined deletes the file.
 */
export function editStateBranchByHand(
  clone: string,
  path: string,
  content: string | undefined,
  subject: string,
): string {
  git(clone, 'fetch', '--quiet', 'origin', 'acme-lineage');
  git(clone, 'checkout', '--quiet', '-B', 'acme-lineage', 'FETCH_HEAD');
  if (content === undefined) {
    git(clone, 'rm', '--quiet', path);
  } else {
    mkdirSync(dirname(join(clone, path)), { recursive: true });
    writeFileSync(join(clone, path), content);
    git(clone, 'add', path);
  }
  git(clone, 'commit', '--quiet', '-m', subject);
  git(clone, 'push', '--quiet', 'origin', 'acme-lineage');
  return git(clone, 'rev-parse', 'HEAD');
}

export function certificate(
  serial: string,
  overrides: Partial<CertificateRecord> = {},
): CertificateRecord {
  return {
    serial,
    certId: `aYhba4dGQEHhs3uEe6CuLN4ByNQ.AI${serial}`,
    authorityKeyId: '69885b6b87464041e1b37b84',
    identifiers: ['example.com', '*.example.com'],
    notBefore: '2026-11-01T00:00:00Z',
    notAfter: '2027-01-30T00:00:00Z',
    issuer: 'CN=Pebble Intermediate CA',
    directoryUrl: 'https://127.0.0.1:14000/dir',
    accountUrl: 'https://127.0.0.1:14000/my-account/1',
    orderUrl: `https://127.0.0.1:14000/my-order/${serial}`,
    replaces: null,
    issuedAt: '2026-11-01T00:05:00Z',
    chainFile: `${serial}.pem`,
    ...overrides,
  };
}

export function pendingOrder(
  orderUrl: string,
  overrides: Partial<PendingOrder> = {},
): PendingOrder {
  return {
    orderUrl,
    directoryUrl: 'https://127.0.0.1:14000/dir',
    accountUrl: 'https://127.0.0.1:14000/my-account/1',
    identifiers: ['example.com'],
    replaces: null,
    startedAt: '2026-12-01T10:00:00Z',
    ...overrides,
  };
}

export function lineageWith(name: string, certificates: CertificateRecord[]): Lineage {
  return { schemaVersion: LINEAGE_SCHEMA_VERSION, name, certificates };
}

export const CHAIN_PEM =
  '-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUfake\n-----END CERTIFICATE-----\n';
