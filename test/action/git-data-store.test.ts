import { Octokit } from '@octokit/rest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { createOctokit } from '../../src/github/client.js';
import { createGitHubLineageStore } from '../../src/github/git-data-store.js';
import type { LineageStore } from '../../src/lineage/store.js';
import { LINEAGE_SCHEMA_VERSION, type Lineage } from '../../src/lineage/types.js';
import { createMemoryLogger } from '../../src/log.js';
import { FakeGitHub } from '../helpers/fake-github.js';
import { type FakeGitData, registerGitDataRoutes } from '../helpers/fake-github-routes.js';

const BRANCH = 'acme-lineage';

function lineage(name: string, serials: string[]): Lineage {
  return {
    schemaVersion: LINEAGE_SCHEMA_VERSION,
    name,
    certificates: serials.map((serial) => ({
      serial,
      certId: `aki.${serial}`,
      authorityKeyId: 'aa',
      identifiers: [`${name}.example.com`],
      notBefore: '2026-11-01T00:00:00Z',
      notAfter: '2027-01-30T00:00:00Z',
      issuer: 'CN=Pebble Intermediate CA',
      directoryUrl: 'https://127.0.0.1:14000/dir',
      accountUrl: 'https://127.0.0.1:14000/my-account/1',
      orderUrl: `https://127.0.0.1:14000/my-order/${serial}`,
      replaces: null,
      issuedAt: '2026-11-01T00:00:05Z',
      chainFile: `${serial}.pem`,
    })),
  };
}

/** Change that appends a certificate with `serial`, and its chain file. */
function append(name: string, serial: string) {
  return (current: Lineage | undefined) => {
    const serials = [
      ...(current?.certificates.map((certificate) => certificate.serial) ?? []),
      serial,
    ];
    return { lineage: lineage(name, serials), files: { [`${serial}.pem`]: `chain ${serial}\n` } };
  };
}

let fake: FakeGitHub;
let git: FakeGitData;

/**
 * Store on a plain Octokit. The action's client spaces writes one second apart
 * through the throttling plugin, which would only slow these tests down, so one
 * test below covers that client separately.
 */
function store(
  logger = createMemoryLogger(),
  octokit: Octokit = new Octokit({ auth: 'test-token', baseUrl: fake.url }),
): LineageStore {
  return createGitHubLineageStore({
    octokit,
    owner: fake.owner,
    repo: fake.repo,
    branch: BRANCH,
    logger,
    retryDelayMs: 1,
  });
}

beforeEach(async () => {
  fake = await FakeGitHub.start();
  git = registerGitDataRoutes(fake);
});

afterEach(async () => {
  await fake.close();
});

describe('GitHub lineage store', () => {
  it('reads nothing before the branch exists', async () => {
    expect(await store().read('www')).toBeUndefined();
    expect(await store().readAll()).toEqual([]);
  });

  it('creates the branch on the first write', async () => {
    const info = await store().update('www', append('www', '01'), 'Record certificate 01 for www');

    expect(git.refs.get(`refs/heads/${BRANCH}`)).toBe(info.commit);
    expect(info.url).toContain(info.commit);
    expect(git.history(BRANCH)).toHaveLength(1);
    expect(git.history(BRANCH)[0]?.parents).toEqual([]);
    expect(git.fileAt(BRANCH, 'www/01.pem')).toBe('chain 01\n');
    expect(JSON.parse(git.fileAt(BRANCH, 'www/lineage.json') ?? '{}').name).toBe('www');
  });

  it('reads back what it wrote', async () => {
    await store().update('www', append('www', '01'), 'Record 01');
    await store().update('www', append('www', '02'), 'Record 02');
    await store().update('api', append('api', '0a'), 'Record 0a');

    const www = await store().read('www');
    const all = await store().readAll();

    expect(www?.certificates.map((certificate) => certificate.serial)).toEqual(['01', '02']);
    expect(all.map((item) => item.name)).toEqual(['api', 'www']);
    expect(git.history(BRANCH)).toHaveLength(3);
  });

  it('writes the certificate trailer', async () => {
    await store().update(
      'www',
      append('www', '01'),
      'Record certificate 01\n\nWhy it was renewed.',
    );

    expect(git.history(BRANCH)[0]?.message).toBe(
      'Record certificate 01\n\nWhy it was renewed.\n\nLineage-Certificate: www\n',
    );
  });

  it('keeps other certificates when committing', async () => {
    await store().update('www', append('www', '01'), 'Record 01');
    await store().update('api', append('api', '0a'), 'Record 0a');

    expect(git.fileAt(BRANCH, 'www/01.pem')).toBe('chain 01\n');
    expect(git.fileAt(BRANCH, 'api/0a.pem')).toBe('chain 0a\n');
  });

  it('makes no commit when nothing changed', async () => {
    const first = await store().update('www', append('www', '01'), 'Record 01');
    const second = await store().update(
      'www',
      () => ({ lineage: lineage('www', ['01']) }),
      'Record 01 again',
    );

    expect(second.commit).toBe(first.commit);
    expect(git.history(BRANCH)).toHaveLength(1);
  });

  it('rejects files containing a private key', async () => {
    const change = () => ({
      lineage: lineage('www', ['01']),
      files: { 'key.pem': '-----BEGIN PRIVATE KEY-----\nMIG\n-----END PRIVATE KEY-----\n' },
    });

    await expect(store().update('www', change, 'Leak')).rejects.toThrow('PRIVATE KEY');
    expect(git.blobs.size).toBe(0);
    expect(git.refs.size).toBe(0);
  });

  it('rejects an unsafe certificate name', async () => {
    await expect(store().read('../etc')).rejects.toThrow('Invalid certificate name');
  });

  it('retries after another writer moved the branch', async () => {
    await store().update('www', append('www', '01'), 'Record 01');
    let raced = false;
    git.beforeRefWrite = async () => {
      if (raced) return;
      raced = true;
      await store().update('api', append('api', '0a'), 'Record 0a');
    };
    const logger = createMemoryLogger();
    const calls: (string[] | undefined)[] = [];

    await store(logger).update(
      'www',
      (current) => {
        calls.push(current?.certificates.map((certificate) => certificate.serial));
        return append('www', '02')(current);
      },
      'Record 02',
    );

    expect(calls).toEqual([['01'], ['01']]);
    expect(git.fileAt(BRANCH, 'api/lineage.json')).toContain('"0a"');
    expect(JSON.parse(git.fileAt(BRANCH, 'www/lineage.json') ?? '{}').certificates).toHaveLength(2);
    expect(git.history(BRANCH)).toHaveLength(3);
    expect(logger.lines.join('\n')).toContain(
      'moved while committing www. Re-reading it and retrying',
    );
  });

  it('retries when another writer created the branch first', async () => {
    let raced = false;
    git.beforeRefWrite = async () => {
      if (raced) return;
      raced = true;
      await store().update('api', append('api', '0a'), 'Record 0a');
    };

    await store().update('www', append('www', '01'), 'Record 01');

    expect(git.fileAt(BRANCH, 'api/0a.pem')).toBe('chain 0a\n');
    expect(git.fileAt(BRANCH, 'www/01.pem')).toBe('chain 01\n');
    expect(git.history(BRANCH)).toHaveLength(2);
  });

  it('lands two concurrent writers', async () => {
    await store().update('seed', append('seed', '01'), 'Record seed');

    await Promise.all([
      store().update('www', append('www', '01'), 'Record www'),
      store().update('api', append('api', '0a'), 'Record api'),
    ]);

    const names = (await store().readAll()).map((item) => item.name);
    expect(names).toEqual(['api', 'seed', 'www']);
    expect(git.history(BRANCH)).toHaveLength(3);
  });

  it('queues concurrent updates of one store', async () => {
    const shared = store();
    await shared.update('seed', append('seed', '01'), 'Record seed');
    const names = Array.from({ length: 10 }, (_, i) => `a${String(i).padStart(2, '0')}`);

    await Promise.all(
      names.map((name) => shared.update(name, append(name, '01'), `Record ${name}`)),
    );

    const updates = fake.requestsTo('PATCH', '/repos/:owner/:repo/git/refs/:ref');
    expect(updates).toHaveLength(names.length);
    expect((await store().readAll()).map((item) => item.name)).toEqual([...names, 'seed']);
  });

  it('rejects an invalid name', async () => {
    await expect(store().update('a/b', append('a/b', '01'), 'Record')).rejects.toThrow(
      'Invalid certificate name',
    );
  });

  it('gives up after five lost races', async () => {
    await store().update('www', append('www', '01'), 'Record 01');
    let serial = 16;
    git.beforeRefWrite = () => {
      // Another writer moves the branch before every update of ours.
      const tip = git.refs.get(`refs/heads/${BRANCH}`) as string;
      const id = (serial++).toString(16).padStart(40, '0');
      git.commits.set(id, {
        tree: git.commits.get(tip)?.tree as string,
        parents: [tip],
        message: 'other',
      });
      git.refs.set(`refs/heads/${BRANCH}`, id);
    };

    await expect(store().update('www', append('www', '02'), 'Record 02')).rejects.toThrow(
      'other writers moved the branch 5 times in a row',
    );
    expect(fake.requestsTo('PATCH', '/repos/:owner/:repo/git/refs/:ref')).toHaveLength(5);
  });

  it('names the missing permission on 403', async () => {
    fake.fail('POST', '/repos/:owner/:repo/git/trees');

    const failure = store().update('www', append('www', '01'), 'Record 01');

    await expect(failure).rejects.toThrow('contents: write');
    await expect(failure).rejects.toThrow('example/certificates');
  });

  it('explains an empty repository', async () => {
    fake.fail('GET', '/repos/:owner/:repo/git/ref/:ref', {
      status: 409,
      message: 'Git Repository is empty.',
    });
    fake.fail('POST', '/repos/:owner/:repo/git/trees', {
      status: 409,
      message: 'Git Repository is empty.',
    });

    await expect(store().update('www', append('www', '01'), 'Record 01')).rejects.toThrow(
      'Push one commit to its default branch',
    );
  });

  it('explains a protected state branch', async () => {
    await store().update('www', append('www', '01'), 'Record 01');
    fake.fail('PATCH', '/repos/:owner/:repo/git/refs/:ref', {
      status: 422,
      message: 'Protected branch update failed for refs/heads/acme-lineage.',
    });

    await expect(store().update('www', append('www', '02'), 'Record 02')).rejects.toThrow(
      'Exclude the state branch from branch protection rules',
    );
  });

  it('works through the action client', async () => {
    const logger = createMemoryLogger();
    const octokit = createOctokit({
      token: 'test-token',
      baseUrl: fake.url,
      logger,
      retryDelayUnitMs: 1,
    });

    await store(logger, octokit).update('www', append('www', '01'), 'Record 01');

    expect((await store(logger, octokit).read('www'))?.certificates).toHaveLength(1);
  });

  it('reads each blob once per run', async () => {
    await store().update('www', append('www', '01'), 'Record 01');
    const reader = store();

    await reader.read('www');
    await reader.read('www');
    await reader.readAll();

    expect(fake.requestsTo('GET', '/repos/:owner/:repo/git/blobs/:sha')).toHaveLength(1);
  });
});
