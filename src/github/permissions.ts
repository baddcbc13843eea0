/**
 * GitHub API failures that mean the workflow token lacks a permission, each turned
 * into a message that names the permission and shows the `permissions:` block to add.
 */

/** `message` of a 403 when a GITHUB_TOKEN or GitHub App token lacks a permission. */
export const RESOURCE_NOT_ACCESSIBLE_BY_INTEGRATION = 'Resource not accessible by integration';
/** `message` of a 403 when a fine-grained personal access token lacks a permission. */
export const RESOURCE_NOT_ACCESSIBLE_BY_TOKEN = 'Resource not accessible by personal access token';
/** `message` of a 404 that GitHub also returns for a private repository the token cannot see. */
export const NOT_FOUND = 'Not Found';

/** The token permissions this action uses, as written in a workflow's `permissions:` block. */
export type GitHubPermission = 'contents: write' | 'issues: write' | 'pull-requests: write';

/** API area of the failed request, which selects the permission a failure points to. */
export type GitHubArea = 'issues' | 'contents' | 'pull-requests';

const PERMISSION_OF_AREA: Record<GitHubArea, GitHubPermission> = {
  issues: 'issues: write',
  contents: 'contents: write',
  'pull-requests': 'pull-requests: write',
};

/**
 * Raised when GitHub rejects a request because the token lacks a permission. Callers
 * catch it to warn and fall back (for example to the job summary) instead of failing.
 */
export class PermissionError extends Error {
  readonly permission: GitHubPermission;
  readonly status: number;

  constructor(message: string, permission: GitHubPermission, status: number) {
    super(message);
    this.name = 'PermissionError';
    this.permission = permission;
    this.status = status;
  }
}

/** Workflow snippet that grants what the action needs; `missing` gets a marking comment. */
export function permissionsBlock(missing: GitHubPermission): string {
  const lines = (['contents: write', 'issues: write', 'pull-requests: write'] as const).map(
    (permission) => (permission === missing ? `  ${permission}   # missing` : `  ${permission}`),
  );
  return ['permissions:', ...lines].join('\n');
}

/**
 * Converts an Octokit error into a PermissionError when its status and message match
 * a known permission failure, and returns undefined for any other error. `action`
 * describes the request in the message, for example "Creating the incident issue".
 */
export function toPermissionError(
  error: unknown,
  area: GitHubArea,
  action: string,
  repository: string,
): PermissionError | undefined {
  const status = statusOf(error);
  const message = githubMessageOf(error);
  const permission = PERMISSION_OF_AREA[area];

  const lacksPermission =
    status === 403 &&
    (message === RESOURCE_NOT_ACCESSIBLE_BY_INTEGRATION ||
      message === RESOURCE_NOT_ACCESSIBLE_BY_TOKEN);
  if (lacksPermission) {
    return new PermissionError(
      `${action} in ${repository} failed: GitHub returned 403 "${message}". ` +
        `The token lacks the \`${permission}\` permission. Add it to the workflow or job:\n\n` +
        `${permissionsBlock(permission)}\n`,
      permission,
      status,
    );
  }

  if (status === 404 && message === NOT_FOUND) {
    return new PermissionError(
      `${action} in ${repository} failed: GitHub returned 404 "Not Found". Either the repository ` +
        `name is wrong or the repository is private and the token cannot read it. Check the ` +
        `repository name, and grant \`${permission}\` to the workflow or job:\n\n` +
        `${permissionsBlock(permission)}\n`,
      permission,
      status,
    );
  }
  return undefined;
}

function statusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null || !('status' in error)) return undefined;
  return typeof error.status === 'number' ? error.status : undefined;
}

/** Reads the `message` field of GitHub's error body, which Octokit keeps in `response.data`. */
function githubMessageOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('response' in error)) return undefined;
  const data = (error.response as { data?: unknown } | undefined)?.data;
  if (typeof data !== 'object' || data === null || !('message' in data)) return undefined;
  return typeof data.message === 'string' ? data.message : undefined;
}
