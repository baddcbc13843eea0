// Run with `npx vitest bench --run test/lineage`. It measures one update() and one
// read() against a bare remote on the local disk, so it includes git's process start-up
// and a local push, but no network round trip.
import { afterAll, bench, describe } from 'vitest';

import { createMemoryLogger } from '../../src/log.js';
import { createGitLineageStore } from '../../src/lineage/git-store.js';
import { emptyLineage, recordIssued } from '../../src/lineage/lineage.js';
import {
  AUTHOR,
  CHAIN_PEM,
  certificate,
  initWorkTree,
  remoteWithClones,
  removeTempFolders,
  tempFolder,
} from './fixtures.js';

afterAll(removeTempFolders);

const { clones } = remoteWithClones(1);
const withRemote = createGitLineageStore({
  repository: clones[0] as string,
  author: AUTHOR,
  logger: createMemoryLogger(),
});
const local = createGitLineageStore({
  repository: initWorkTree(tempFolder()),
  author: AUTHOR,
  logger: createMemoryLogger(),
});
let serial = 0;

function nextIssue() {
  serial += 1;
  const hex = serial.toString(16).padStart(4, '0');
  return (current: Parameters<typeof recordIssued>[0] | undefined) => ({
    lineage: recordIssued(current ?? emptyLineage('www'), certificate(hex)),
    files: { [`${hex}.pem`]: CHAIN_PEM },
  });
}

describe('git lineage store', () => {
  bench(
    'update with push to a local bare remote',
    async () => {
      await withRemote.update('www', nextIssue(), 'Record a certificate');
    },
    { iterations: 30, time: 0, warmupIterations: 2 },
  );

  bench(
    'update without a remote',
    async () => {
      await local.update('www', nextIssue(), 'Record a certificate');
    },
    { iterations: 30, time: 0, warmupIterations: 2 },
  );

  bench(
    'read with fetch from a local bare remote',
    async () => {
      await withRemote.read('www');
    },
    { iterations: 30, time: 0, warmupIterations: 2 },
  );
});
