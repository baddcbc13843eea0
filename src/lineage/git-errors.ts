/** A fetch or push of the state branch that failed for a reason retrying cannot fix. */
export class StateBranchError extends Error {
  constructor(
    message: string,
    /** Error output of the git command, with credentials in URLs removed. */
    readonly stderr: string,
  ) {
    super(message);
    this.name = 'StateBranchError';
  }
}

interface Advice {
  pattern: RegExp;
  /** Reason and fix, completing "<operation> was rejected: ". */
  fix: (remote: string, branch: string) => string;
}

// Patterns match the messages of git 2.39 run with LC_ALL=C and of GitHub's server.
const PUSH_ADVICE: readonly Advice[] = [
  {
    pattern: /protected branch|GH006|GH013|repository rule violations/i,
    fix: (_remote, branch) =>
      `branch ${branch} is protected. Exclude it from branch protection rules and rulesets, or choose another state branch.`,
  },
  {
    pattern: /Permission to .* denied|returned error: 403|write access to repository not granted/i,
    fix: () =>
      'the token lacks contents: write permission. Add `permissions: contents: write` to the job, ' +
      'or use a token that can push to the repository.',
  },
];

const ACCESS_ADVICE: readonly Advice[] = [
  {
    pattern:
      /Authentication failed|could not read Username|terminal prompts disabled|returned error: 401/i,
    fix: (remote) =>
      `no valid credentials for ${remote}. With actions/checkout keep persist-credentials enabled, ` +
      'or configure a credential helper for the remote.',
  },
  {
    pattern: /Repository not found|does not appear to be a git repository|returned error: 404/i,
    fix: (remote) =>
      `the repository of ${remote} was not found or the token cannot read it. ` +
      'Check the remote URL and that the token has contents: read permission.',
  },
  {
    pattern: /Could not resolve host|Connection refused|Connection timed out|Failed to connect/i,
    fix: (remote) => `${remote} could not be reached. Check the network and the remote URL.`,
  },
];

function lastLines(stderr: string): string {
  return stderr
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith('hint:'))
    .slice(-6)
    .join(' | ');
}

/** Explains a failed fetch of the state branch with the likely cause and fix. */
export function fetchFailure(remote: string, branch: string, stderr: string): StateBranchError {
  const advice = ACCESS_ADVICE.find((candidate) => candidate.pattern.test(stderr));
  const reason = advice ? advice.fix(remote, branch) : 'see the git output below.';
  return new StateBranchError(
    `Fetching branch ${branch} from ${remote} failed: ${reason} git output: ${lastLines(stderr)}`,
    stderr,
  );
}

/** Explains a push of the state branch that failed for a reason other than a lost race. */
export function pushFailure(
  remote: string,
  branch: string,
  stderr: string,
  status: string,
): StateBranchError {
  const output = `${status}\n${stderr}`;
  const advice = [...PUSH_ADVICE, ...ACCESS_ADVICE].find((candidate) =>
    candidate.pattern.test(output),
  );
  const reason = advice ? advice.fix(remote, branch) : 'see the git output below.';
  return new StateBranchError(
    `Push of branch ${branch} to ${remote} was rejected: ${reason} git output: ${lastLines(output)}`,
    stderr,
  );
}

/** Push status reasons that mean another writer moved the branch first, so a retry may succeed. */
export function isLostRace(reason: string): boolean {
  return /non-fast-forward|fetch first|stale info|cannot lock ref|failed to update ref|incorrect old value|failed to lock/i.test(
    reason,
  );
}
