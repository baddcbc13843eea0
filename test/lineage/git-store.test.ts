import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { createMemoryLogger } from '../../src/log.js';
import { createGitLineageStore, type GitLineageStoreOptions } from '../../src/lineage/git-store.js';
import { emptyLineage, recordIssued } from '../../src/lineage/lineage.js';
import { serializeLineage } from '../../src/lineage/serialize.js';
import type { Lineage } from '../../src/lineage/types.js';
import {
  AUTHOR,
  CHAIN_PEM,
  certificate,
  editStateBranchByHand,
  git,
  initWorkTree,
  remoteWithClones,
  removeTempFolders,
  tempFolder,
} from './fixtures.js';

afterEach(removeTempFolders);

function storeFor(repository: string, options: Partial<GitLineageStoreOptions> = {}) {
  const logger = createMemoryLogger();
  const store = createGitLineageStore({ repository, author: AUTHOR, logger, ...options });
  return { store, logger };
}

function issue(serial: string) {
  return (current: Lineage | undefined) => ({
    lineage: recordIssued(current ?? emptyLineage('www'), certificate(serial)),
    files: { [`${serial}.pem`]: CHAIN_PEM },
  });
}

function cloneState(clone: string) {
  return {
    head: git(clone, 'rev-parse', 'HEAD'),
    headRef: git(clone, 'symbolic-ref', 'HEAD'),
    status: git(clone, 'status', '--porcelain', '--untracked-files=all'),
    index: git(clone, 'ls-files', '--stage'),
    refs: git(
      clone,
      'for-each-ref',
      '--format=%(refname)',
      'refs/heads/',
      'refs/remotes/',
      'refs/tags/',
    ),
  };
}

describe('git lineage store', () => {
  it('creates the orphan branch without touching the clone', async () => {
    const { remote, clones } = remoteWithClones(1);
    const clone = clones[0] as string;
    writeFileSync(join(clone, 'README.md'), '# edited, not staged\n');
    writeFileSync(join(clone, 'staged.txt'), 'staged\n');
    git(clone, 'add', 'staged.txt');
    writeFileSync(join(clone, 'untracked.txt'), 'untracked\n');
    const before = cloneState(clone);

    const { store } = storeFor(clone);
    const { commit } = await store.update('www', issue('0a1b'), 'Record certificate 0a1b for www');

    expect(cloneState(clone)).toEqual({
      ...before,
      refs: before.refs.replace(
        'refs/remotes/origin/HEAD',
        'refs/remotes/origin/HEAD\nrefs/remotes/origin/acme-lineage',
      ),
    });
    expect(git(clone, 'for-each-ref', '--format=%(refname)', 'refs/acme-lineage/')).toBe(
      'refs/acme-lineage/origin/acme-lineage',
    );
    expect(git(remote, 'rev-parse', 'refs/heads/acme-lineage')).toBe(commit);
    expect(git(remote, 'rev-list', '--parents', 'acme-lineage')).toBe(commit);
    expect(git(remote, 'ls-tree', '-r', '--name-only', 'acme-lineage').split('\n')).toEqual([
      'www/0a1b.pem',
      'www/lineage.json',
    ]);
    const expected = serializeLineage(recordIssued(emptyLineage('www'), certificate('0a1b')));
    expect(`${git(remote, 'show', 'acme-lineage:www/lineage.json')}\n`).toBe(expected);
    expect(git(remote, 'log', '-1', '--format=%B', 'acme-lineage')).toBe(
      'Record certificate 0a1b for www\n\nLineage-Certificate: www',
    );
    expect(git(remote, 'log', '-1', '--format=%an <%ae>', 'acme-lineage')).toBe(
      `${AUTHOR.name} <${AUTHOR.email}>`,
    );
  });

  it('reads back lineages from another clone', async () => {
    const { clones } = remoteWithClones(2);
    const writer = storeFor(clones[0] as string).store;
    const reader = storeFor(clones[1] as string).store;

    expect(await reader.read('www')).toBeUndefined();
    expect(await reader.readAll()).toEqual([]);

    await writer.update('www', issue('0a1b'), 'Record www');
    await writer.update(
      'api',
      (current) => ({ lineage: recordIssued(current ?? emptyLineage('api'), certificate('0c')) }),
      'Record api',
    );

    expect((await reader.read('www'))?.certificates.map((record) => record.serial)).toEqual([
      '0a1b',
    ]);
    expect((await reader.readAll()).map((lineage) => lineage.name)).toEqual(['api', 'www']);
    expect(reader.description).toBe(
      `branch acme-lineage of remote origin (repository ${clones[1]})`,
    );
  });

  it('lands concurrent updates from two clones', async () => {
    const { remote, clones } = remoteWithClones(2);
    const first = storeFor(clones[0] as string).store;
    const second = storeFor(clones[1] as string).store;
    const names = ['alpha', 'beta', 'gamma'];

    const writeAll = (store: typeof first, prefix: string) =>
      Promise.all(
        names.map((name) =>
          store.update(
            `${prefix}-${name}`,
            (current) => ({
              lineage: recordIssued(
                current ?? emptyLineage(`${prefix}-${name}`),
                certificate('01'),
              ),
            }),
            `Record ${prefix}-${name}`,
          ),
        ),
      );
    await Promise.all([writeAll(first, 'one'), writeAll(second, 'two')]);

    const lineages = await storeFor(clones[0] as string).store.readAll();
    expect(lineages.map((lineage) => lineage.name)).toEqual([
      'one-alpha',
      'one-beta',
      'one-gamma',
      'two-alpha',
      'two-beta',
      'two-gamma',
    ]);
    expect(git(remote, 'rev-list', '--count', 'acme-lineage')).toBe('6');
  });

  it('orders concurrent changes of one certificate', async () => {
    const { remote, clones } = remoteWithClones(2);
    await storeFor(clones[0] as string).store.update('www', issue('0a'), 'Record 0a');
    const first = storeFor(clones[0] as string).store;
    const second = storeFor(clones[1] as string).store;

    await Promise.all([
      first.update('www', issue('0b'), 'Record 0b'),
      second.update('www', issue('0c'), 'Record 0c'),
    ]);

    const lineage = await first.read('www');
    const serials = lineage?.certificates.map((record) => record.serial);
    const subjects = git(remote, 'log', '--reverse', '--format=%s', 'acme-lineage').split('\n');
    const landedOrder = subjects.slice(1).map((subject) => subject.replace('Record ', ''));
    expect(serials).toEqual(['0a', ...landedOrder]);
    expect(lineage?.certificates[1]?.replacedBy?.serial).toBe(landedOrder[1]);
    expect(lineage?.certificates[0]?.replacedBy?.serial).toBe(landedOrder[0]);
  });

  it('re-applies the change after a lost race', async () => {
    const { clones } = remoteWithClones(2);
    const { store, logger } = storeFor(clones[0] as string);
    await store.update('www', issue('0a'), 'Record 0a');

    const seen: (string[] | undefined)[] = [];
    await store.update(
      'www',
      (current) => {
        seen.push(current?.certificates.map((record) => record.serial));
        if (seen.length === 1) {
          const moved = recordIssued(current as Lineage, certificate('0b'));
          editStateBranchByHand(
            clones[1] as string,
            'www/lineage.json',
            serializeLineage(moved),
            'Record 0b by hand',
          );
        }
        return issue('0c')(current);
      },
      'Record 0c',
    );

    expect(seen).toEqual([['0a'], ['0a', '0b']]);
    expect((await store.read('www'))?.certificates.map((record) => record.serial)).toEqual([
      '0a',
      '0b',
      '0c',
    ]);
    expect(logger.lines.some((line) => line.includes('retrying, attempt 2 of 5'))).toBe(true);
  });

  it('gives up after the maximum attempts', async () => {
    const { clones } = remoteWithClones(2);
    const { store } = storeFor(clones[0] as string, { maxAttempts: 3 });
    await store.update('www', issue('0a'), 'Record 0a');

    let calls = 0;
    const update = store.update(
      'www',
      (current) => {
        calls += 1;
        editStateBranchByHand(
          clones[1] as string,
          'other/note.txt',
          `edit ${calls}\n`,
          `Hand edit ${calls}`,
        );
        return issue('0c')(current);
      },
      'Record 0c',
    );

    await expect(update).rejects.toThrow(
      /moved the branch during each of 3 attempts .*This change was not recorded\. Run again later\./,
    );
    expect(calls).toBe(3);
  });

  it('rejects private keys in extra files', async () => {
    const { remote, clones } = remoteWithClones(1);
    const { store } = storeFor(clones[0] as string);
    const key = '-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIfake\n-----END EC PRIVATE KEY-----\n';

    const update = store.update(
      'www',
      () => ({ lineage: emptyLineage('www'), files: { 'www.key': key } }),
      'Record key',
    );

    await expect(update).rejects.toThrow(/www\/www\.key.*contains a private key/);
    expect(git(remote, 'branch', '--list', 'acme-lineage')).toBe('');
  });

  it('rejects unsafe names and extra file paths', async () => {
    const { clones } = remoteWithClones(1);
    const { store } = storeFor(clones[0] as string);

    await expect(store.read('../www')).rejects.toThrow(/Invalid certificate name "\.\.\/www"/);
    const update = store.update(
      'www',
      () => ({ lineage: emptyLineage('www'), files: { '../api/lineage.json': '{}' } }),
      'Escape the folder',
    );
    await expect(update).rejects.toThrow(
      /Invalid extra file path "\.\.\/api\/lineage\.json" for certificate www/,
    );
  });

  it('rejects a change that renames the lineage', async () => {
    const { clones } = remoteWithClones(1);
    const { store } = storeFor(clones[0] as string);

    const update = store.update('www', () => ({ lineage: emptyLineage('api') }), 'Rename');

    await expect(update).rejects.toThrow(
      /change for certificate www returned a lineage named "api"/,
    );
  });

  it('makes no commit for an unchanged lineage', async () => {
    const { remote, clones } = remoteWithClones(1);
    const { store } = storeFor(clones[0] as string);
    const first = await store.update('www', issue('0a'), 'Record 0a');

    const second = await store.update(
      'www',
      (current) => ({ lineage: current as Lineage }),
      'No change',
    );

    expect(second.commit).toBe(first.commit);
    expect(git(remote, 'rev-list', '--count', 'acme-lineage')).toBe('1');
  });

  it('works in a repository without a remote', async () => {
    const repository = initWorkTree(tempFolder());
    const before = cloneState(repository);
    const { store } = storeFor(repository);

    const { commit } = await store.update('www', issue('0a'), 'Record 0a');
    await store.update('www', issue('0b'), 'Record 0b');

    expect(store.remote).toBeUndefined();
    expect(store.description).toBe(`branch acme-lineage in ${repository} (no remote)`);
    expect(git(repository, 'rev-parse', 'acme-lineage~1')).toBe(commit);
    expect((await store.read('www'))?.certificates.map((record) => record.serial)).toEqual([
      '0a',
      '0b',
    ]);
    expect(cloneState(repository)).toEqual({
      ...before,
      refs: `refs/heads/acme-lineage\n${before.refs}`,
    });
  });

  it('retries a lost update-ref race without a remote', async () => {
    const repository = initWorkTree(tempFolder());
    const { store, logger } = storeFor(repository);
    await store.update('www', issue('0a'), 'Record 0a');

    let calls = 0;
    let moved = '';
    await store.update(
      'www',
      (current) => {
        calls += 1;
        if (calls === 1) {
          const tree = git(repository, 'rev-parse', 'acme-lineage^{tree}');
          moved = git(repository, 'commit-tree', tree, '-p', 'acme-lineage', '-m', 'Move by hand');
          git(repository, 'update-ref', 'refs/heads/acme-lineage', moved);
        }
        return issue('0b')(current);
      },
      'Record 0b',
    );

    expect(calls).toBe(2);
    expect(git(repository, 'rev-parse', 'acme-lineage~1')).toBe(moved);
    expect(logger.lines.some((line) => line.includes('update-ref lost a race'))).toBe(true);
  });

  it('works in a bare repository without a remote', async () => {
    const repository = join(tempFolder(), 'state.git');
    git(tempFolder(), 'init', '--quiet', '--bare', repository);
    const { store } = storeFor(repository);

    await store.update('www', issue('0a'), 'Record 0a');

    expect(git(repository, 'ls-tree', '-r', '--name-only', 'acme-lineage')).toBe(
      'www/0a.pem\nwww/lineage.json',
    );
  });

  it('works in a repository without commits', async () => {
    const repository = tempFolder();
    git(repository, 'init', '--quiet', '--initial-branch=main');
    const { store } = storeFor(repository);

    await store.update('www', issue('0a'), 'Record 0a');

    expect(git(repository, 'symbolic-ref', 'HEAD')).toBe('refs/heads/main');
    expect(git(repository, 'ls-tree', '-r', '--name-only', 'acme-lineage')).toBe(
      'www/0a.pem\nwww/lineage.json',
    );
  });

  it('rejects an unborn checked-out branch without a remote', () => {
    const repository = tempFolder();
    git(repository, 'init', '--quiet', '--initial-branch=acme-lineage');

    expect(() => storeFor(repository)).toThrow(/Branch acme-lineage is checked out in/);
  });

  it('keeps only local state when remote is null', async () => {
    const { remote, clones } = remoteWithClones(1);
    const { store } = storeFor(clones[0] as string, { remote: null });

    await store.update('www', issue('0a'), 'Record 0a');

    expect(git(clones[0] as string, 'rev-parse', '--verify', 'refs/heads/acme-lineage')).toMatch(
      /^[0-9a-f]{40}$/,
    );
    expect(git(remote, 'branch', '--list', 'acme-lineage')).toBe('');
  });

  it('rejects the checked-out branch without a remote', () => {
    const repository = initWorkTree(tempFolder());
    git(repository, 'checkout', '--quiet', '-b', 'acme-lineage');

    expect(() => storeFor(repository)).toThrow(
      /Branch acme-lineage is checked out in .*Check out another branch/,
    );
  });

  it('rejects a remote that is not configured', () => {
    const { clones } = remoteWithClones(1);

    expect(() => storeFor(clones[0] as string, { remote: 'upstream' })).toThrow(
      /Remote upstream is not configured in .* \(remotes: origin\)/,
    );
  });

  it('explains a push rejected for permission', async () => {
    const { remote, clones } = remoteWithClones(1);
    const hooks = join(remote, 'hooks');
    mkdirSync(hooks, { recursive: true });
    writeFileSync(
      join(hooks, 'pre-receive'),
      '#!/bin/sh\necho "Permission to example/state.git denied to github-actions[bot]." >&2\nexit 1\n',
    );
    chmodSync(join(hooks, 'pre-receive'), 0o755);
    const { store } = storeFor(clones[0] as string);

    const update = store.update('www', issue('0a'), 'Record 0a');

    await expect(update).rejects.toThrow(
      /Push of branch acme-lineage to origin was rejected: the token lacks contents: write/,
    );
    expect(git(clones[0] as string, 'for-each-ref', 'refs/acme-lineage/')).toBe('');
  });

  it('explains a missing remote repository', async () => {
    const { clones } = remoteWithClones(1);
    git(clones[0] as string, 'remote', 'set-url', 'origin', join(tempFolder(), 'gone.git'));
    const { store } = storeFor(clones[0] as string);

    await expect(store.read('www')).rejects.toThrow(
      /Fetching branch acme-lineage from origin failed: the repository of origin was not found/,
    );
  });
});
