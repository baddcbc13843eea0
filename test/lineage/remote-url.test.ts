import { describe, expect, it } from 'vitest';

import { githubCommitUrlPrefix } from '../../src/lineage/remote-url.js';

describe('github commit URL prefix', () => {
  it('reads github.com remote forms', () => {
    const cases: [string, string][] = [
      ['https://github.com/acme/site.git', 'https://github.com/acme/site/commit/'],
      ['https://github.com/acme/site', 'https://github.com/acme/site/commit/'],
      [
        'https://x-access-token:ghs_secret@github.com/acme/site.git',
        'https://github.com/acme/site/commit/',
      ],
      ['git@github.com:acme/site.git', 'https://github.com/acme/site/commit/'],
      ['ssh://git@github.com/acme/site.git', 'https://github.com/acme/site/commit/'],
    ];

    for (const [remoteUrl, expected] of cases) {
      expect(githubCommitUrlPrefix(remoteUrl)).toBe(expected);
    }
  });

  it('returns nothing for other hosts', () => {
    expect(githubCommitUrlPrefix('/tmp/remote.git')).toBeUndefined();
    expect(githubCommitUrlPrefix('https://gitlab.com/acme/site.git')).toBeUndefined();
    expect(githubCommitUrlPrefix('https://github.com.evil.test/acme/site.git')).toBeUndefined();
  });
});
