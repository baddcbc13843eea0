import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { runGit } from './git.js';

/** Name and e-mail address recorded as author and committer of state commits. */
export interface GitIdentity {
  name: string;
  email: string;
}

export interface CommitRequest {
  /** Commit the new one follows, or undefined for the first commit of an orphan branch. */
  parent: string | undefined;
  /** File contents keyed by path from the root of the branch. Files not listed keep their parent's content. */
  files: Map<string, string>;
  message: string;
  /** Certificate name, written as the `Lineage-Certificate` trailer. */
  name: string;
  author?: GitIdentity;
}

/** Commit id, or undefined when the files already had this content at the parent. */
export type CommitResult = { commit: string } | { commit: undefined };

export const CERTIFICATE_TRAILER = 'Lineage-Certificate';

/**
 * Builds the tree of `parent` plus `files` in a temporary index and returns its id.
 * The index lives in a temporary folder, so the repository's own index, work tree
 * and HEAD are never read or written.
 */
async function writeTree(
  repository: string,
  parent: string | undefined,
  files: Map<string, string>,
): Promise<string> {
  const blobs = await Promise.all(
    [...files].map(async ([path, content]) => {
      const { stdout } = await runGit(repository, ['hash-object', '-w', '--stdin'], {
        input: content,
      });
      return { path, blob: stdout.trim() };
    }),
  );

  const folder = await mkdtemp(join(tmpdir(), 'acme-lineage-index-'));
  try {
    const env = { GIT_INDEX_FILE: join(folder, 'index') };
    await runGit(repository, parent ? ['read-tree', parent] : ['read-tree', '--empty'], { env });

    const entries = blobs.flatMap(({ path, blob }) => ['--cacheinfo', `100644,${blob},${path}`]);
    await runGit(repository, ['update-index', '--add', ...entries], { env });

    const { stdout } = await runGit(repository, ['write-tree'], { env });
    return stdout.trim();
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

async function messageWithTrailer(
  repository: string,
  message: string,
  name: string,
): Promise<string> {
  // interpret-trailers joins an existing trailer block instead of starting a new
  // paragraph, so trailers the caller wrote stay trailers.
  const { stdout } = await runGit(
    repository,
    ['interpret-trailers', '--no-divider', '--trailer', `${CERTIFICATE_TRAILER}: ${name}`],
    { input: `${message.trim()}\n` },
  );
  return stdout;
}

function identityEnvironment(author: GitIdentity | undefined): Record<string, string> {
  if (!author) return {};
  return {
    GIT_AUTHOR_NAME: author.name,
    GIT_AUTHOR_EMAIL: author.email,
    GIT_COMMITTER_NAME: author.name,
    GIT_COMMITTER_EMAIL: author.email,
  };
}

/**
 * Writes a commit of `files` on top of `parent` without touching any ref. Returns
 * `{ commit: undefined }` when the resulting tree equals the parent's, so a change
 * that changes nothing makes no empty commit.
 */
export async function writeCommit(
  repository: string,
  request: CommitRequest,
): Promise<CommitResult> {
  const tree = await writeTree(repository, request.parent, request.files);
  if (request.parent) {
    const { stdout } = await runGit(repository, ['rev-parse', `${request.parent}^{tree}`]);
    if (stdout.trim() === tree) return { commit: undefined };
  }

  const message = await messageWithTrailer(repository, request.message, request.name);
  const parentArgs = request.parent ? ['-p', request.parent] : [];
  try {
    const { stdout } = await runGit(repository, ['commit-tree', tree, ...parentArgs, '-F', '-'], {
      input: message,
      env: identityEnvironment(request.author),
    });
    return { commit: stdout.trim() };
  } catch (error) {
    if (
      error instanceof Error &&
      /Please tell me who you are|empty ident|unable to auto-detect email/i.test(error.message)
    ) {
      throw new Error(
        `Cannot commit to the state branch in ${repository}: git has no author identity. ` +
          'Pass an author to the lineage store, or set git config user.name and user.email.',
        { cause: error },
      );
    }
    throw error;
  }
}
