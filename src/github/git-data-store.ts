import type { Octokit } from '@octokit/rest';

import type { Logger } from '../log.js';
import { CERTIFICATE_TRAILER } from '../lineage/git-commit.js';
import { assertCertificateName, folderFiles, lineageFilePath } from '../lineage/layout.js';
import { parseLineage } from '../lineage/serialize.js';
import type { CommitInfo, LineageChange, LineageStore } from '../lineage/store.js';
import type { Lineage } from '../lineage/types.js';
import { toPermissionError } from './permissions.js';

/** `message` of the 422 that GitHub returns when a ref update would drop commits. */
export const NOT_A_FAST_FORWARD = 'Update is not a fast forward';
/** `message` of the 422 that GitHub returns when creating a ref that another writer created first. */
export const REFERENCE_ALREADY_EXISTS = 'Reference already exists';
/** `message` of the 409 for a repository without any commit, where the Git Data API cannot write. */
export const REPOSITORY_IS_EMPTY = 'Git Repository is empty.';

export interface GitHubLineageStoreOptions {
  octokit: Octokit;
  owner: string;
  repo: string;
  branch: string;
  logger: Logger;
  /** Maximum attempts of one update while other writers keep moving the branch, 5 by default. */
  maxAttempts?: number;
  /** Mean wait in milliseconds before the second attempt, doubled for each further one, 250 by default. */
  retryDelayMs?: number;
}

/** The branch tip: its commit and that commit's root tree. */
interface Head {
  commit: string;
  tree: string;
}

/**
 * Creates a lineage store on a branch of a GitHub repository, written through the
 * Git Data API so the action needs no clone. Each update is one commit that moves
 * the branch without force. When another writer moved the branch in between,
 * GitHub rejects the update, and the store re-reads the branch and applies the
 * change again on top of the new tip.
 */
export function createGitHubLineageStore(options: GitHubLineageStoreOptions): LineageStore {
  return new GitHubLineageStore(options);
}

class GitHubLineageStore implements LineageStore {
  readonly description: string;

  private readonly octokit: Octokit;
  private readonly owner: string;
  private readonly repo: string;
  private readonly branch: string;
  private readonly logger: Logger;
  private readonly maxAttempts: number;
  private readonly retryDelayMs: number;
  /** File listings by tree id. Trees and blobs never change, so they are cached for the run. */
  private readonly treeFiles = new Map<string, Promise<Map<string, string>>>();
  private readonly blobTexts = new Map<string, Promise<string>>();
  /** Tail of the queue of this store's updates. */
  private updates: Promise<unknown> = Promise.resolve();

  constructor(options: GitHubLineageStoreOptions) {
    this.octokit = options.octokit;
    this.owner = options.owner;
    this.repo = options.repo;
    this.branch = options.branch;
    this.logger = options.logger;
    this.maxAttempts = options.maxAttempts ?? 5;
    this.retryDelayMs = options.retryDelayMs ?? 250;
    this.description = `branch ${this.branch} of ${this.repository} (GitHub API)`;
  }

  private get repository(): string {
    return `${this.owner}/${this.repo}`;
  }

  async read(name: string): Promise<Lineage | undefined> {
    assertCertificateName(name);
    const head = await this.readHead();
    return head ? this.readLineageAt(head, name) : undefined;
  }

  async readAll(): Promise<Lineage[]> {
    const head = await this.readHead();
    if (!head) return [];

    const files = await this.listFiles(head.tree);
    const paths = [...files.keys()].filter((path) => /^[^/]+\/lineage\.json$/.test(path)).sort();
    const lineages: Lineage[] = [];
    // Eight requests at a time read a large state branch in parallel without the burst
    // of concurrent requests that GitHub answers with a secondary rate limit.
    for (let start = 0; start < paths.length; start += 8) {
      const batch = paths.slice(start, start + 8);
      const texts = await Promise.all(
        batch.map((path) => this.readBlob(files.get(path) as string)),
      );
      batch.forEach((path, index) => lineages.push(parseLineage(texts[index] as string, path)));
    }
    return lineages;
  }

  /**
   * Queues the update behind this store's earlier ones. Concurrent updates from one
   * run would otherwise only race each other for the branch tip, so only updates from
   * other jobs can make an attempt fail.
   */
  async update(
    name: string,
    change: (current: Lineage | undefined) => LineageChange,
    message: string,
  ): Promise<CommitInfo> {
    assertCertificateName(name);
    const result = this.updates.then(() => this.updateNow(name, change, message));
    this.updates = result.catch(() => undefined);
    return result;
  }

  private async updateNow(
    name: string,
    change: (current: Lineage | undefined) => LineageChange,
    message: string,
  ): Promise<CommitInfo> {
    for (let attempt = 1; ; attempt++) {
      const head = await this.readHead();
      const current = head ? await this.readLineageAt(head, name) : undefined;
      const files = folderFiles(name, change(current));

      const result = await this.commitFiles(head, files, messageWithTrailer(message, name));
      if (result) return result;

      if (attempt >= this.maxAttempts) {
        throw new Error(
          `Updating certificate ${name} on ${this.description} failed: other writers moved the branch ` +
            `${this.maxAttempts} times in a row. Run the workflow again, or give concurrent jobs ` +
            `that write the same state branch a concurrency group.`,
        );
      }
      const delay = this.retryDelay(attempt);
      this.logger.info(
        `State branch ${this.branch} moved while committing ${name}. Re-reading it and retrying in ` +
          `${delay} ms (attempt ${attempt + 1} of ${this.maxAttempts}).`,
      );
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }

  /**
   * Commits `files` on top of `head` and moves the branch to the commit. Returns
   * undefined when another writer moved the branch first, and the current tip when
   * the files already have this content, so no empty commit is made.
   */
  private async commitFiles(
    head: Head | undefined,
    files: Map<string, string>,
    message: string,
  ): Promise<CommitInfo | undefined> {
    const tree = await this.createTree(head?.tree, files);
    if (head && tree === head.tree) {
      this.logger.debug(
        `No change to commit on ${this.description}: the files already have this content.`,
      );
      return { commit: head.commit };
    }

    const commit = await this.call('Creating a state commit', () =>
      this.octokit.rest.git.createCommit({
        owner: this.owner,
        repo: this.repo,
        message,
        tree,
        parents: head ? [head.commit] : [],
      }),
    );

    const moved = head
      ? await this.moveBranch(commit.data.sha)
      : await this.createBranch(commit.data.sha);
    if (!moved) return undefined;
    this.logger.debug(`Moved ${this.description} to ${commit.data.sha}.`);
    return { commit: commit.data.sha, url: commit.data.html_url };
  }

  /**
   * Creates the tree of `baseTree` plus `files`. The file contents go inline in the
   * tree request instead of one blob request each, because the throttling plugin
   * spaces write requests at least one second apart and each saved write saves that.
   */
  private async createTree(
    baseTree: string | undefined,
    files: Map<string, string>,
  ): Promise<string> {
    const entries = [...files].map(([path, content]) => ({
      path,
      mode: '100644' as const,
      type: 'blob' as const,
      content,
    }));

    const tree = await this.call('Writing the state tree', () =>
      this.octokit.rest.git.createTree({
        owner: this.owner,
        repo: this.repo,
        tree: entries,
        ...(baseTree ? { base_tree: baseTree } : {}),
      }),
    );
    return tree.data.sha;
  }

  /** Moves the branch without force. Returns false when GitHub rejects it as not a fast forward. */
  private async moveBranch(commit: string): Promise<boolean> {
    try {
      await this.octokit.rest.git.updateRef({
        owner: this.owner,
        repo: this.repo,
        ref: `heads/${this.branch}`,
        sha: commit,
        force: false,
      });
      return true;
    } catch (error) {
      if (isLostRace(error, NOT_A_FAST_FORWARD)) return false;
      throw this.explain(error, `Moving ${this.description}`);
    }
  }

  /** Creates the branch. Returns false when another writer created it first. */
  private async createBranch(commit: string): Promise<boolean> {
    try {
      await this.octokit.rest.git.createRef({
        owner: this.owner,
        repo: this.repo,
        ref: `refs/heads/${this.branch}`,
        sha: commit,
      });
      this.logger.info(`Created state branch ${this.branch} in ${this.repository}.`);
      return true;
    } catch (error) {
      if (isLostRace(error, REFERENCE_ALREADY_EXISTS)) return false;
      throw this.explain(error, `Creating ${this.description}`);
    }
  }

  /** Reads the branch tip, or undefined when the branch (or any commit at all) does not exist yet. */
  private async readHead(): Promise<Head | undefined> {
    let commit: string;
    try {
      const ref = await this.octokit.rest.git.getRef({
        owner: this.owner,
        repo: this.repo,
        ref: `heads/${this.branch}`,
      });
      commit = ref.data.object.sha;
    } catch (error) {
      const status = statusOf(error);
      if (status === 404 || (status === 409 && messageOf(error) === REPOSITORY_IS_EMPTY))
        return undefined;
      throw this.explain(error, `Reading ${this.description}`);
    }

    const data = await this.call(`Reading commit ${commit} of ${this.description}`, () =>
      this.octokit.rest.git.getCommit({ owner: this.owner, repo: this.repo, commit_sha: commit }),
    );
    return { commit, tree: data.data.tree.sha };
  }

  private async readLineageAt(head: Head, name: string): Promise<Lineage | undefined> {
    const path = lineageFilePath(name);
    const blob = (await this.listFiles(head.tree)).get(path);
    return blob ? parseLineage(await this.readBlob(blob), path) : undefined;
  }

  /** Lists the files of a tree as a map from path to blob id, from one recursive request. */
  private listFiles(tree: string): Promise<Map<string, string>> {
    let listing = this.treeFiles.get(tree);
    if (!listing) {
      listing = this.fetchFiles(tree);
      listing.catch(() => this.treeFiles.delete(tree));
      this.treeFiles.set(tree, listing);
    }
    return listing;
  }

  private async fetchFiles(tree: string): Promise<Map<string, string>> {
    const response = await this.call(`Listing ${this.description}`, () =>
      this.octokit.rest.git.getTree({
        owner: this.owner,
        repo: this.repo,
        tree_sha: tree,
        recursive: 'true',
      }),
    );
    if (response.data.truncated) {
      // GitHub truncates recursive listings past 100,000 entries or 7 MB (REST docs,
      // "Get a tree"). At three files per certificate that is an estimated 30,000 certificates.
      throw new Error(
        `The state branch ${this.description} has too many files for one tree listing. ` +
          `Move certificates to a second state-branch.`,
      );
    }

    const files = new Map<string, string>();
    for (const entry of response.data.tree) {
      if (entry.type === 'blob' && entry.path && entry.sha) files.set(entry.path, entry.sha);
    }
    return files;
  }

  private readBlob(sha: string): Promise<string> {
    let text = this.blobTexts.get(sha);
    if (!text) {
      text = this.fetchBlob(sha);
      text.catch(() => this.blobTexts.delete(sha));
      this.blobTexts.set(sha, text);
    }
    return text;
  }

  private async fetchBlob(sha: string): Promise<string> {
    const blob = await this.call(`Reading blob ${sha} of ${this.description}`, () =>
      this.octokit.rest.git.getBlob({ owner: this.owner, repo: this.repo, file_sha: sha }),
    );
    const encoding = blob.data.encoding === 'base64' ? 'base64' : 'utf8';
    return Buffer.from(blob.data.content, encoding).toString('utf8');
  }

  private async call<T>(action: string, request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (error) {
      throw this.explain(error, action);
    }
  }

  /** Turns a GitHub failure into an error that names the repository, the branch and the fix. */
  private explain(error: unknown, action: string): Error {
    const permissionError = toPermissionError(error, 'contents', action, this.repository);
    if (permissionError) return permissionError;

    if (statusOf(error) === 409 && messageOf(error) === REPOSITORY_IS_EMPTY) {
      return new Error(
        `${action} failed: ${this.repository} has no commits, and the Git Data API cannot write to an ` +
          `empty repository. Push one commit to its default branch, then run again.`,
        { cause: error },
      );
    }
    if (statusOf(error) === 422 && /protected branch/i.test(messageOf(error) ?? '')) {
      return new Error(
        `${action} failed: GitHub rejected the update because branch ${this.branch} is protected. ` +
          `Exclude the state branch from branch protection rules and rulesets, or choose another state-branch.`,
        { cause: error },
      );
    }
    const detail = error instanceof Error ? error.message : String(error);
    return new Error(`${action} failed: ${detail}`, { cause: error });
  }

  /** Wait before attempt `attempt + 1`: the base delay doubled per attempt, times 0.5 to 1.5 at random. */
  private retryDelay(attempt: number): number {
    return Math.round(this.retryDelayMs * 2 ** (attempt - 1) * (0.5 + Math.random()));
  }
}

/** Appends the `Lineage-Certificate` trailer that the git backend writes too, so history can be searched by name. */
function messageWithTrailer(message: string, name: string): string {
  const trimmed = message.trim();
  const paragraphs = trimmed.split(/\n\s*\n/);
  const last = paragraphs[paragraphs.length - 1] ?? '';
  const endsWithTrailers =
    paragraphs.length > 1 && last.split('\n').every((line) => /^[\w-]+: /.test(line));
  const trailer = `${CERTIFICATE_TRAILER}: ${name}`;
  return endsWithTrailers ? `${trimmed}\n${trailer}\n` : `${trimmed}\n\n${trailer}\n`;
}

function isLostRace(error: unknown, expectedMessage: string): boolean {
  return statusOf(error) === 422 && (messageOf(error) ?? '').includes(expectedMessage);
}

function statusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null || !('status' in error)) return undefined;
  return typeof error.status === 'number' ? error.status : undefined;
}

/** Reads the `message` field of GitHub's error body, which Octokit keeps in `response.data`. */
function messageOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('response' in error)) return undefined;
  const data = (error.response as { data?: unknown } | undefined)?.data;
  if (typeof data !== 'object' || data === null || !('message' in data)) return undefined;
  return typeof data.message === 'string' ? data.message : undefined;
}
