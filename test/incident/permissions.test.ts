import { describe, expect, it } from 'vitest';

import {
  permissionsBlock,
  PermissionError,
  RESOURCE_NOT_ACCESSIBLE_BY_INTEGRATION,
  RESOURCE_NOT_ACCESSIBLE_BY_TOKEN,
  toPermissionError,
} from '../../src/github/permissions.js';

// The shape of Octokit's RequestError: the status, and GitHub's error body in
// `response.data`.
function githubFailure(status: number, message: string): Error {
  return Object.assign(new Error(message), {
    status,
    response: {
      status,
      headers: {},
      data: { message, documentation_url: 'https://docs.github.com/rest', status: String(status) },
    },
  });
}

describe('toPermissionError', () => {
  it.each([
    ['issues', 'issues: write'],
    ['contents', 'contents: write'],
    ['pull-requests', 'pull-requests: write'],
  ] as const)('names %s permission on 403', (area, permission) => {
    const error = toPermissionError(
      githubFailure(403, RESOURCE_NOT_ACCESSIBLE_BY_INTEGRATION),
      area,
      'Writing',
      'example/certificates',
    );

    expect(error).toBeInstanceOf(PermissionError);
    expect(error?.permission).toBe(permission);
    expect(error?.message).toContain(`\`${permission}\``);
    expect(error?.message).toContain(`  ${permission}   # missing`);
  });

  it('recognizes fine-grained tokens', () => {
    const error = toPermissionError(
      githubFailure(403, RESOURCE_NOT_ACCESSIBLE_BY_TOKEN),
      'issues',
      'Creating the incident issue',
      'example/certificates',
    );

    expect(error?.status).toBe(403);
  });

  it('explains 404 as a hidden repository', () => {
    const error = toPermissionError(
      githubFailure(404, 'Not Found'),
      'contents',
      'Reading',
      'example/private',
    );

    expect(error?.status).toBe(404);
    expect(error?.message).toContain('example/private');
    expect(error?.message).toContain('private');
  });

  it('ignores other failures', () => {
    expect(
      toPermissionError(githubFailure(422, 'Validation Failed'), 'issues', 'x', 'y'),
    ).toBeUndefined();
    expect(
      toPermissionError(githubFailure(403, 'API rate limit exceeded'), 'issues', 'x', 'y'),
    ).toBeUndefined();
    expect(toPermissionError(new Error('socket hang up'), 'issues', 'x', 'y')).toBeUndefined();
  });
});

describe('permissionsBlock', () => {
  it('lists every permission the action uses', () => {
    expect(permissionsBlock('issues: write')).toBe(
      'permissions:\n  contents: write\n  issues: write   # missing\n  pull-requests: write',
    );
  });
});
