import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import type { Logger } from '../log.js';
import { writeCommit, type GitIdentity } from './git-commit.js';
import { fetchFailure, isLostRace, pushFailure } from './git-errors.js';
import { GitCommandError, runGit, runGitSync } from './git.js';
import { readAllAt, readAt, type GitStateLocation } from './history.js';
import { assertCertificateName, folderFiles } from './layout.js';
import { githubCommitUrlPrefix } from './remote-url.js';
import type { CommitInfo, LineageChange, LineageStore } from './store.js';
import type { Lineage } from './types.js';

export interface GitLineageStoreOptions {
  /** Path of a work tree or a bare repository. */
  repository: string;
  /** State branch. Default: `acme-lineage`. */
  branch?: string;
  /**
   * Remote to fetch the branch from and push it to. Default: `origin` when the
   * repository has it, otherwise none. `null` keeps the branch local.
   */
  remote?: string | null;
  /** Author and committer of state commits. Default: git's configured user. */
  author?: GitIdentity;
  logger: Logger;
  /** Maximum attempts of one update while other writers keep moving the branch. Default: 5. */
  maxAttempts?: number;
}

/** Location and tip commit of the state branch after a fetch. */
export interface GitStateTip extends GitStateLocation {
  /** Tip commit, or undefined when the branch does not exist yet. */
  commit: string | undefined;
}

/** Lineage store on a branch of a local git repository, pushed to a remote when there is one. */
export interface GitLineageStore extends LineageStore {
  readonly repository: string;
  readonly branch: string;
  /** Remote the branch is fetched from and pushed to, or undefined when it stays local. */
  readonly remote: string | undefined;
  /** Fetches the branch when there is a remote and returns the ref and commit that hold it. */
  fetchState(): Promise<GitStateTip>;
}

const DEFAULT_BRANCH = 'acme-lineage';
const DEFAULT_MAX_ATTEMPTS = 5;
const FETCH_LOCK_ATTEMPTS = 3;

interface Target {
  remote: string | undefined;
  /** Ref holding the tip: a private ref when fetched from a remote, else the branch itself. */
  ref: string;
  /** Web address prefix of commits, when the remote is a github.com repository. */
  commitUrlPrefix: string | undefined;
}

type PublishOutcome = { landed: true } | { landed: false; reason: string };

/**
 * Tail of the queue of updates per repository and ref. Updates from one process run
 * one at a time, so they never race each other. Only other processes and other
 * clones can make an update retry.
 */
const updateQueues = new Map<string, Promise<unknown>>();

async function runQueued<T>(key: string, task: () => Promise<T>): Promise<T> {
  const previous = updateQueues.get(key) ?? Promise.resolve();
  const result = previous.then(task, task);
  const tail = result.catch(() => undefined);
  updateQueues.set(key, tail);
  try {
    return await result;
  } finally {
    if (updateQueues.get(key) === tail) updateQueues.delete(key);
  }
}

/** Returns a random delay before attempt `attempt + 1`, so two writers that collided are unlikely to collide again. */
function backoffMs(attempt: number): number {
  return 10 + Math.floor(Math.random() * 50 * 2 ** (attempt - 1));
}

interface RepositoryFacts {
  bare: boolean;
  /** Branch ref that HEAD points to, or undefined when HEAD is detached. */
  headRef: string | undefined;
  remotes: string[];
}

function inspectRepository(repository: string): RepositoryFacts {
  let bare: boolean;
  let remotes: string[];
  try {
    bare = runGitSync(repository, ['rev-parse', '--is-bare-repository']).trim() === 'true';
    remotes = runGitSync(repository, ['remote'])
      .split('\n')
      .filter((line) => line !== '');
  } catch (error) {
    const reason = error instanceof GitCommandError ? error.stderr.trim() : String(error);
    throw new Error(
      `Cannot open the git repository ${repository} for the lineage store: ${reason}`,
      {
        cause: error,
      },
    );
  }

  // symbolic-ref also works on a branch without commits yet, where rev-parse HEAD fails.
  let headRef: string | undefined;
  try {
    headRef = runGitSync(repository, ['symbolic-ref', '--quiet', 'HEAD']).trim();
  } catch {
    headRef = undefined;
  }
  return { bare, headRef, remotes };
}

function chooseRemote(
  repository: string,
  remotes: string[],
  option: string | null | undefined,
): string | undefined {
  if (option === null) return undefined;
  if (option === undefined) return remotes.includes('origin') ? 'origin' : undefined;

  if (!remotes.includes(option)) {
    throw new Error(
      `Remote ${option} is not configured in ${repository} (remotes: ${remotes.join(', ') || 'none'}). ` +
        'Add it with git remote add, or leave the remote unset.',
    );
  }
  return option;
}

function resolveTarget(
  repository: string,
  branch: string,
  remoteOption: string | null | undefined,
): Target {
  try {
    runGitSync(repository, ['check-ref-format', '--branch', branch]);
  } catch {
    throw new Error(
      `Invalid state branch name ${JSON.stringify(branch)}: git rejects it as a branch name.`,
    );
  }
  const facts = inspectRepository(repository);
  const remote = chooseRemote(repository, facts.remotes, remoteOption);

  if (remote === undefined) {
    // Moving the branch that a work tree has checked out would leave that work tree
    // and its index out of step with HEAD, so a local-only store rejects that branch.
    if (!facts.bare && facts.headRef === `refs/heads/${branch}`) {
      throw new Error(
        `Branch ${branch} is checked out in ${repository}. Check out another branch, ` +
          'or give the lineage store a remote so it never moves local branches.',
      );
    }
    return { remote, ref: `refs/heads/${branch}`, commitUrlPrefix: undefined };
  }

  const remoteUrl = runGitSync(repository, ['remote', 'get-url', remote]).trim();
  return {
    remote,
    ref: `refs/acme-lineage/${remote}/${branch}`,
    commitUrlPrefix: githubCommitUrlPrefix(remoteUrl),
  };
}

class GitStore implements GitLineageStore {
  readonly repository: string;
  readonly branch: string;
  readonly remote: string | undefined;
  readonly description: string;
  private readonly target: Target;
  private readonly logger: Logger;
  private readonly author: GitIdentity | undefined;
  private readonly maxAttempts: number;

  constructor(options: GitLineageStoreOptions) {
    this.repository = options.repository;
    this.branch = options.branch ?? DEFAULT_BRANCH;
    this.target = resolveTarget(this.repository, this.branch, options.remote);
    this.remote = this.target.remote;
    this.logger = options.logger;
    this.author = options.author;
    this.maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
    if (!Number.isInteger(this.maxAttempts) || this.maxAttempts < 1) {
      throw new Error(
        `Invalid maxAttempts ${String(options.maxAttempts)}: use a whole number of at least 1.`,
      );
    }
    this.description = this.remote
      ? `branch ${this.branch} of remote ${this.remote} (repository ${this.repository})`
      : `branch ${this.branch} in ${this.repository} (no remote)`;
  }

  async fetchState(): Promise<GitStateTip> {
    const commit = await this.fetchTip();
    return { repository: this.repository, ref: this.target.ref, commit };
  }

  async read(name: string): Promise<Lineage | undefined> {
    assertCertificateName(name);
    const commit = await this.fetchTip();
    return commit ? readAt(this.repository, commit, name) : undefined;
  }

  async readAll(): Promise<Lineage[]> {
    const commit = await this.fetchTip();
    return commit ? readAllAt(this.repository, commit) : [];
  }

  async update(
    name: string,
    change: (current: Lineage | undefined) => LineageChange,
    message: string,
  ): Promise<CommitInfo> {
    assertCertificateName(name);
    if (message.trim() === '') {
      throw new Error(`Missing commit message for the lineage of ${name}: give a subject line.`);
    }

    const queueKey = `${resolve(this.repository)}\0${this.target.ref}`;
    return runQueued(queueKey, () => this.updateWithRetries(name, change, message));
  }

  private async updateWithRetries(
    name: string,
    change: (current: Lineage | undefined) => LineageChange,
    message: string,
  ): Promise<CommitInfo> {
    for (let attempt = 1; ; attempt++) {
      const base = await this.fetchTip();
      const current = base ? await readAt(this.repository, base, name) : undefined;
      const files = folderFiles(name, change(current));

      const { commit } = await writeCommit(this.repository, {
        parent: base,
        files,
        message,
        name,
        author: this.author,
      });
      if (commit === undefined) {
        this.logger.debug(`lineage ${name}: unchanged, no commit on ${this.description}`);
        return this.commitInfo(base as string);
      }

      const outcome = await this.publish(name, base, commit);
      if (outcome.landed) {
        this.logger.info(
          `lineage ${name}: committed ${commit.slice(0, 12)} to ${this.description}`,
        );
        return this.commitInfo(commit);
      }

      if (attempt >= this.maxAttempts) {
        throw new Error(
          `Could not update the lineage of ${name} on ${this.description}: other writers moved the branch ` +
            `during each of ${attempt} attempts (last: ${outcome.reason}). This change was not recorded. Run again later.`,
        );
      }
      const delay = backoffMs(attempt);
      this.logger.info(
        `lineage ${name}: branch ${this.branch} moved meanwhile (${outcome.reason}); ` +
          `retrying, attempt ${attempt + 1} of ${this.maxAttempts} in ${delay} ms`,
      );
      await sleep(delay);
    }
  }

  private commitInfo(commit: string): CommitInfo {
    const prefix = this.target.commitUrlPrefix;
    return prefix ? { commit, url: `${prefix}${commit}` } : { commit };
  }

  /** Fetches the branch into the private ref when there is a remote, then returns the tip commit. */
  private async fetchTip(): Promise<string | undefined> {
    if (this.target.remote) await this.fetch(this.target.remote);

    const { stdout, exitCode } = await runGit(
      this.repository,
      ['rev-parse', '--verify', '--quiet', `${this.target.ref}^{commit}`],
      { allowedExitCodes: [1] },
    );
    return exitCode === 0 ? stdout.trim() : undefined;
  }

  private async fetch(remote: string): Promise<void> {
    const refspec = `+refs/heads/${this.branch}:${this.target.ref}`;
    for (let attempt = 1; ; attempt++) {
      const { exitCode, stderr } = await runGit(
        this.repository,
        [
          'fetch',
          '--quiet',
          '--no-tags',
          '--no-write-fetch-head',
          '--no-recurse-submodules',
          '--no-auto-gc',
          remote,
          refspec,
        ],
        { allowedExitCodes: [1, 128] },
      );
      if (exitCode === 0) return;

      if (/couldn't find remote ref/i.test(stderr)) {
        // The branch does not exist yet or was deleted, so any earlier tip is forgotten.
        await runGit(this.repository, ['update-ref', '-d', this.target.ref]);
        return;
      }
      // Another store in the same repository may be fetching into the same ref.
      if (
        /cannot lock ref|unable to create .*\.lock/i.test(stderr) &&
        attempt < FETCH_LOCK_ATTEMPTS
      ) {
        await sleep(backoffMs(attempt));
        continue;
      }
      throw fetchFailure(remote, this.branch, stderr);
    }
  }

  /**
   * Makes `commit` the tip if the branch is still at `base`. Without a remote, update-ref
   * with the expected old value does that compare-and-swap. With a remote, the push
   * does it, because git rejects a plain push that is not a fast-forward, and `commit`
   * is a fast-forward only while the remote branch is still at `base`. The private ref
   * then follows the push. It is only a copy, which the next fetch overwrites.
   * NOTE: the push also lands when someone rewound the remote branch to an ancestor of
   * `base` meanwhile, and then brings back the commits that the rewind removed.
   */
  private async publish(
    name: string,
    base: string | undefined,
    commit: string,
  ): Promise<PublishOutcome> {
    const remote = this.target.remote;
    if (!remote) return this.moveRef(name, base, commit);

    const pushed = await runGit(
      this.repository,
      // --no-verify: a pre-push hook of the user's repository has no business with the
      // state branch, and one that runs a test suite would stall every state commit.
      ['push', '--porcelain', '--no-verify', remote, `${commit}:refs/heads/${this.branch}`],
      { allowedExitCodes: [1, 128] },
    );
    if (pushed.exitCode !== 0) {
      const status = pushed.stdout.split('\n').find((line) => line.startsWith('!')) ?? '';
      const reason = status.split('\t')[2] ?? '';
      if (reason !== '' && isLostRace(reason)) return { landed: false, reason: `push ${reason}` };
      throw pushFailure(remote, this.branch, pushed.stderr, status);
    }

    const moved = await this.moveRef(name, base, commit);
    if (!moved.landed)
      this.logger.debug(`${this.target.ref} not moved after the push: ${moved.reason}`);
    return { landed: true };
  }

  private async moveRef(
    name: string,
    base: string | undefined,
    commit: string,
  ): Promise<PublishOutcome> {
    const moved = await runGit(
      this.repository,
      ['update-ref', '-m', `acme-lineage: ${name}`, this.target.ref, commit, base ?? ''],
      { allowedExitCodes: [1, 128] },
    );
    if (moved.exitCode === 0) return { landed: true };

    if (/cannot lock ref|is at .* but expected|reference already exists/i.test(moved.stderr)) {
      return { landed: false, reason: `update-ref lost a race: ${moved.stderr.trim()}` };
    }
    throw new GitCommandError(['update-ref', this.target.ref], moved.exitCode, moved.stderr);
  }
}

/**
 * Creates a lineage store on a branch of the git repository at `options.repository`.
 * It runs only plumbing commands, fetch and push, so the work tree, index and HEAD stay
 * as they are. The refs it writes are `refs/acme-lineage/<remote>/<branch>` and, as
 * fetch and push do, `refs/remotes/<remote>/<branch>`. Without a remote it moves the
 * branch itself. Throws at once when the repository, branch or remote is unusable.
 */
export function createGitLineageStore(options: GitLineageStoreOptions): GitLineageStore {
  return new GitStore(options);
}
