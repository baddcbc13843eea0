import { afterEach, describe, expect, it } from 'vitest';

import { createMemoryLogger } from '../../src/log.js';
import { createGitLineageStore, type GitLineageStore } from '../../src/lineage/git-store.js';
import {
  findCommitThatDropped,
  hasCertificate,
  hasPendingOrder,
  lineageHistory,
  lineageVersions,
  readAt,
} from '../../src/lineage/history.js';
import {
  clearPendingOrder,
  emptyLineage,
  journalPendingOrder,
  recordIssued,
} from '../../src/lineage/lineage.js';
import { serializeLineage } from '../../src/lineage/serialize.js';
import type { Lineage } from '../../src/lineage/types.js';
import {
  AUTHOR,
  certificate,
  editStateBranchByHand,
  git,
  pendingOrder,
  remoteWithClones,
  removeTempFolders,
} from './fixtures.js';

afterEach(removeTempFolders);

function setup(): { store: GitLineageStore; editor: string } {
  const { clones } = remoteWithClones(2);
  const store = createGitLineageStore({
    repository: clones[0] as string,
    author: AUTHOR,
    logger: createMemoryLogger(),
  });
  return { store, editor: clones[1] as string };
}

async function issue(store: GitLineageStore, serial: string): Promise<string> {
  const { commit } = await store.update(
    'www',
    (current) => ({ lineage: recordIssued(current ?? emptyLineage('www'), certificate(serial)) }),
    `Record certificate ${serial}`,
  );
  return commit;
}

describe('lineage history', () => {
  it('lists commits of one lineage newest first', async () => {
    const { store } = setup();
    const first = await issue(store, '0a');
    await store.update(
      'api',
      (current) => ({ lineage: recordIssued(current ?? emptyLineage('api'), certificate('0c')) }),
      'Record api',
    );
    const second = await issue(store, '0b');

    const history = await lineageHistory(await store.fetchState(), 'www');

    expect(history.map((entry) => entry.commit)).toEqual([second, first]);
    expect(history.map((entry) => entry.subject)).toEqual([
      'Record certificate 0b',
      'Record certificate 0a',
    ]);
    expect(history[0]?.date).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-Z]/);
  });

  it('reads a lineage as of an older commit', async () => {
    const { store } = setup();
    const first = await issue(store, '0a');
    await issue(store, '0b');

    const old = await readAt(store.repository, first, 'www');

    expect(old?.certificates.map((record) => record.serial)).toEqual(['0a']);
    expect(await readAt(store.repository, first, 'api')).toBeUndefined();
  });

  it('names the commit that deleted the lineage file', async () => {
    const { store, editor } = setup();
    await issue(store, '0a');
    const lastPresent = await issue(store, '0b');
    const deletion = editStateBranchByHand(
      editor,
      'www/lineage.json',
      undefined,
      'Remove www by hand',
    );
    await issue(store, '0c');

    const dropped = await findCommitThatDropped(
      await store.fetchState(),
      'www',
      hasCertificate('0b'),
    );

    expect(dropped?.commit).toBe(deletion);
    expect(dropped?.subject).toBe('Remove www by hand');
    expect(dropped?.removal).toBe('file-deleted');
    expect(dropped?.lastPresent).toBe(lastPresent);
  });

  it('names the revert commit that removed a certificate', async () => {
    const { store, editor } = setup();
    await issue(store, '0a');
    const recorded = await issue(store, '0b');
    git(editor, 'fetch', '--quiet', 'origin', 'acme-lineage');
    git(editor, 'checkout', '--quiet', '-B', 'acme-lineage', 'FETCH_HEAD');
    git(editor, 'revert', '--no-edit', recorded);
    git(editor, 'push', '--quiet', 'origin', 'acme-lineage');
    const revert = git(editor, 'rev-parse', 'HEAD');

    const dropped = await findCommitThatDropped(
      await store.fetchState(),
      'www',
      hasCertificate('0b'),
    );

    expect(dropped?.commit).toBe(revert);
    expect(dropped?.subject).toBe('Revert "Record certificate 0b"');
    expect(dropped?.removal).toBe('record-removed');
    expect(dropped?.lastPresent).toBe(recorded);
  });

  it('names the commit that dropped a pending order', async () => {
    const { store, editor } = setup();
    const order = pendingOrder('https://127.0.0.1:14000/my-order/7');
    const journaled = (
      await store.update(
        'www',
        (current) => ({ lineage: journalPendingOrder(current ?? emptyLineage('www'), order) }),
        'Journal order 7',
      )
    ).commit;
    const lineage = (await store.read('www')) as Lineage;
    const edit = editStateBranchByHand(
      editor,
      'www/lineage.json',
      serializeLineage(clearPendingOrder(lineage)),
      'Tidy www by hand',
    );

    const dropped = await findCommitThatDropped(
      await store.fetchState(),
      'www',
      hasPendingOrder(order.orderUrl),
    );

    expect(dropped?.commit).toBe(edit);
    expect(dropped?.lastPresent).toBe(journaled);
    expect(dropped?.removal).toBe('record-removed');
  });

  it('returns the latest of two drops', async () => {
    const { store, editor } = setup();
    await issue(store, '0a');
    const lineageWithA = serializeLineage(recordIssued(emptyLineage('www'), certificate('0a')));
    editStateBranchByHand(editor, 'www/lineage.json', undefined, 'First removal');
    const restored = editStateBranchByHand(editor, 'www/lineage.json', lineageWithA, 'Restore www');
    const second = editStateBranchByHand(editor, 'www/lineage.json', undefined, 'Second removal');

    const dropped = await findCommitThatDropped(
      await store.fetchState(),
      'www',
      hasCertificate('0a'),
    );

    expect(dropped?.commit).toBe(second);
    expect(dropped?.lastPresent).toBe(restored);
  });

  it('finds nothing while the record is present', async () => {
    const { store } = setup();
    await issue(store, '0a');
    await issue(store, '0b');

    expect(
      await findCommitThatDropped(await store.fetchState(), 'www', hasCertificate('0a')),
    ).toBeUndefined();
    expect(
      await findCommitThatDropped(await store.fetchState(), 'www', hasCertificate('ff')),
    ).toBeUndefined();
  });

  it('names the file of an unreadable version', async () => {
    const { store, editor } = setup();
    await issue(store, '0a');
    const broken = editStateBranchByHand(
      editor,
      'www/lineage.json',
      '{ "schemaVersion": 1,',
      'Break www',
    );
    await expect(readAt(store.repository, broken, 'www')).rejects.toThrow(
      `Revision ${broken} is not a commit in ${store.repository}. Fetch the state branch first.`,
    );
    await store.fetchState();

    await expect(readAt(store.repository, broken, 'www')).rejects.toThrow(
      `Invalid lineage file ${broken}:www/lineage.json: not valid JSON`,
    );
    await expect(store.read('www')).rejects.toThrow(/www\/lineage\.json: not valid JSON/);
  });

  it('walks past an unreadable version', async () => {
    const { store, editor } = setup();
    await issue(store, '0a');
    const recorded = await issue(store, '0b');
    const broken = editStateBranchByHand(
      editor,
      'www/lineage.json',
      '{ "schemaVersion": 1,',
      'Break www',
    );
    const repaired = editStateBranchByHand(
      editor,
      'www/lineage.json',
      serializeLineage(recordIssued(emptyLineage('www'), certificate('0a'))),
      'Repair www',
    );
    const tip = await store.fetchState();

    const versions = [];
    for await (const version of lineageVersions(tip, 'www')) versions.push(version);
    const dropped = await findCommitThatDropped(tip, 'www', hasCertificate('0b'));

    expect(versions.map((version) => [version.commit, version.file])).toEqual([
      [repaired, 'present'],
      [broken, 'unreadable'],
      [recorded, 'present'],
      [expect.any(String), 'present'],
    ]);
    expect(versions[1]?.error).toMatch(
      `Invalid lineage file ${broken}:www/lineage.json: not valid JSON`,
    );
    expect(dropped?.commit).toBe(broken);
    expect(dropped?.removal).toBe('file-unreadable');
    expect(dropped?.lastPresent).toBe(recorded);
  });
});
