import { afterEach, describe, expect, it } from 'vitest';

import { fetchFailure, isLostRace, pushFailure } from '../../src/lineage/git-errors.js';
import { createGitLineageStore } from '../../src/lineage/git-store.js';
import { redactUrlCredentials } from '../../src/lineage/git.js';
import { createMemoryLogger } from '../../src/log.js';
import { AUTHOR, git, remoteWithClones, removeTempFolders } from './fixtures.js';

afterEach(removeTempFolders);

describe('state branch errors', () => {
  it('redacts credentials in URLs', () => {
    const text = "fatal: unable to access 'https://x-access-token:ghs_secret@github.com/o/r.git/'";

    expect(redactUrlCredentials(text)).toBe(
      "fatal: unable to access 'https://***@github.com/o/r.git/'",
    );
    expect(redactUrlCredentials('ssh://git@host/r.git')).toBe('ssh://***@host/r.git');
    expect(redactUrlCredentials('/tmp/remote.git')).toBe('/tmp/remote.git');
  });

  it('classifies lost races', () => {
    expect(isLostRace('[rejected] (fetch first)')).toBe(true);
    expect(isLostRace('[rejected] (non-fast-forward)')).toBe(true);
    expect(isLostRace('[remote rejected] (failed to update ref)')).toBe(true);
    expect(isLostRace('[remote rejected] (pre-receive hook declined)')).toBe(false);
    expect(isLostRace('[remote rejected] (protected branch hook declined)')).toBe(false);
  });

  it('explains a protected branch', () => {
    const error = pushFailure(
      'origin',
      'acme-lineage',
      'remote: error: GH006: Protected branch update failed for refs/heads/acme-lineage.',
      '!\tabc:refs/heads/acme-lineage\t[remote rejected] (protected branch hook declined)',
    );

    expect(error.message).toMatch(
      /^Push of branch acme-lineage to origin was rejected: branch acme-lineage is protected\. Exclude it/,
    );
  });

  it('explains missing credentials on fetch', () => {
    const error = fetchFailure(
      'origin',
      'acme-lineage',
      "fatal: could not read Username for 'https://github.com': terminal prompts disabled\n",
    );

    expect(error.message).toMatch(
      /^Fetching branch acme-lineage from origin failed: no valid credentials for origin\./,
    );
    expect(error.message).toContain('git output: fatal: could not read Username');
  });

  it('keeps credentials out of fetch errors', async () => {
    const { clones } = remoteWithClones(1);
    const clone = clones[0] as string;
    git(
      clone,
      'remote',
      'set-url',
      'origin',
      'https://x-access-token:ghs_secret@127.0.0.1:1/o/r.git',
    );
    const store = createGitLineageStore({
      repository: clone,
      author: AUTHOR,
      logger: createMemoryLogger(),
    });

    const failure = await store.read('www').then(
      () => new Error('read succeeded'),
      (error: unknown) => error as Error,
    );

    expect(failure.message).toMatch(
      /^Fetching branch acme-lineage from origin failed: origin could not be reached/,
    );
    expect(failure.message).not.toContain('ghs_secret');
  });
});
