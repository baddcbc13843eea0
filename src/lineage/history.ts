import { readBlobs, runGit } from './git.js';
import { assertCertificateName, lineageFilePath } from './layout.js';
import { parseLineage } from './serialize.js';
import type { Lineage } from './types.js';

/**
 * A state branch in a local repository. `ref` is any revision that git accepts, such
 * as the `ref` that GitLineageStore.fetchState returns or a commit id.
 */
export interface GitStateLocation {
  repository: string;
  ref: string;
}

/** One commit on the state branch, as `git log` shows it. */
export interface LineageCommit {
  commit: string;
  /** Committer date, strict ISO 8601. */
  date: string;
  subject: string;
}

/** The commit after which a record was no longer in a lineage. */
export interface DroppedRecord extends LineageCommit {
  /** Newest commit that still had the record, which is the state just before `commit`. */
  lastPresent: string;
  /**
   * Kind of removal: the record was removed from the file, the whole file was deleted,
   * or the file was left in a state that does not parse.
   */
  removal: 'record-removed' | 'file-deleted' | 'file-unreadable';
}

function checkFileName(name: string, text: string | undefined, label: string): Lineage | undefined {
  if (text === undefined) return undefined;
  const lineage = parseLineage(text, label);
  if (lineage.name !== name) {
    throw new Error(
      `Lineage file ${label} names certificate ${JSON.stringify(lineage.name)}, but its folder is ${name}. ` +
        'Rename the folder or correct the name field.',
    );
  }
  return lineage;
}

/**
 * Reads the lineage of `name` as it was at `revision` (a commit or ref). Returns
 * undefined when the file did not exist there, and throws when `revision` is not a
 * commit in the repository. Errors name the file as `<revision>:<name>/lineage.json`.
 */
export async function readAt(
  repository: string,
  revision: string,
  name: string,
): Promise<Lineage | undefined> {
  assertCertificateName(name);
  const path = lineageFilePath(name);
  const [text] = await readBlobs(repository, [`${revision}:${path}`]);
  if (text === undefined) await assertCommitExists(repository, revision);
  return checkFileName(name, text, `${revision}:${path}`);
}

/** Throws when `revision` is not a commit in `repository`, for example one not fetched yet. */
async function assertCommitExists(repository: string, revision: string): Promise<void> {
  const { exitCode } = await runGit(
    repository,
    ['rev-parse', '--verify', '--quiet', `${revision}^{commit}`],
    {
      allowedExitCodes: [1],
    },
  );
  if (exitCode !== 0) {
    throw new Error(
      `Revision ${revision} is not a commit in ${repository}. Fetch the state branch first.`,
    );
  }
}

/** Reads every lineage at `revision`, sorted by name. Folders without a lineage file are skipped. */
export async function readAllAt(repository: string, revision: string): Promise<Lineage[]> {
  const { stdout } = await runGit(repository, ['ls-tree', '-z', revision]);
  const names = stdout
    .split('\0')
    .map((entry) => /^\d+ tree [0-9a-f]+\t(.+)$/.exec(entry)?.[1])
    .filter((name): name is string => name !== undefined && isCertificateName(name))
    .sort();

  const labels = names.map((name) => `${revision}:${lineageFilePath(name)}`);
  const texts = await readBlobs(repository, labels);
  const lineages: Lineage[] = [];
  names.forEach((name, index) => {
    const lineage = checkFileName(name, texts[index], labels[index] ?? name);
    if (lineage) lineages.push(lineage);
  });
  return lineages;
}

function isCertificateName(name: string): boolean {
  try {
    assertCertificateName(name);
    return true;
  } catch {
    return false;
  }
}

/**
 * Lists the commits on the first-parent history of `location.ref` that changed
 * `<name>/lineage.json`, newest first, including the commit that deleted it.
 * First-parent history is the order in which the branch itself moved. A merge is
 * listed when it changed the file relative to its first parent.
 */
export async function lineageHistory(
  location: GitStateLocation,
  name: string,
): Promise<LineageCommit[]> {
  assertCertificateName(name);
  const { stdout } = await runGit(location.repository, [
    'log',
    '--first-parent',
    '-z',
    '--format=%H%x1f%cI%x1f%s',
    location.ref,
    '--',
    lineageFilePath(name),
  ]);

  return stdout
    .split('\0')
    .filter((entry) => entry.trim() !== '')
    .map((entry) => {
      const [commit = '', date = '', subject = ''] = entry.replace(/^\n/, '').split('\x1f');
      return { commit, date, subject };
    });
}

/** Predicate that matches a lineage holding the certificate with this serial. */
export function hasCertificate(serial: string): (lineage: Lineage) => boolean {
  return (lineage) => lineage.certificates.some((certificate) => certificate.serial === serial);
}

/** Predicate that matches a lineage whose pending order has this URL. */
export function hasPendingOrder(orderUrl: string): (lineage: Lineage) => boolean {
  return (lineage) => lineage.pendingOrder?.orderUrl === orderUrl;
}

const VERSIONS_PER_BATCH = 50;

/** One version of a lineage file: the commit that wrote it and its content. */
export interface LineageVersion extends LineageCommit {
  /** State of the file after the commit. */
  file: 'present' | 'deleted' | 'unreadable';
  /** Parsed lineage when `file` is `present`. */
  lineage?: Lineage;
  /** Parse error when `file` is `unreadable`, naming `<commit>:<name>/lineage.json`. */
  error?: string;
}

/**
 * Yields each version of the lineage of `name` along the history that lineageHistory
 * lists, newest first. Versions are read in batches with one git process each, and a
 * caller that stops early reads no further batches. A version that does not parse is
 * yielded as `unreadable` instead of ending the walk, because one broken commit in
 * the past must not hide the rest of the history.
 */
export async function* lineageVersions(
  location: GitStateLocation,
  name: string,
): AsyncGenerator<LineageVersion> {
  const commits = await lineageHistory(location, name);
  const path = lineageFilePath(name);

  for (let start = 0; start < commits.length; start += VERSIONS_PER_BATCH) {
    const batch = commits.slice(start, start + VERSIONS_PER_BATCH);
    const texts = await readBlobs(
      location.repository,
      batch.map((entry) => `${entry.commit}:${path}`),
    );

    for (const [index, entry] of batch.entries()) {
      const text = texts[index];
      if (text === undefined) {
        yield { ...entry, file: 'deleted' };
        continue;
      }
      try {
        yield {
          ...entry,
          file: 'present',
          lineage: checkFileName(name, text, `${entry.commit}:${path}`),
        };
      } catch (error) {
        yield {
          ...entry,
          file: 'unreadable',
          error: error instanceof Error ? error.message : String(error),
        };
      }
    }
  }
}

const REMOVAL: Record<LineageVersion['file'], DroppedRecord['removal']> = {
  present: 'record-removed',
  deleted: 'file-deleted',
  unreadable: 'file-unreadable',
};

/**
 * Finds the commit that made a record go missing from the lineage of `name`: the
 * newest commit on the history of `location.ref` whose version of the file lacks a
 * record matching `isPresent` while the version just before it has one. A deleted
 * file, a revert, a hand edit and a file left unparsable count alike. Returns
 * undefined when the record is present at `location.ref` or was never there. Only
 * commits that changed the file are read, newest first, so the cost grows with how
 * far back the drop is.
 */
export async function findCommitThatDropped(
  location: GitStateLocation,
  name: string,
  isPresent: (lineage: Lineage) => boolean,
): Promise<DroppedRecord | undefined> {
  // Each listed version of the file is also the version just before the previous
  // (newer) listed commit, because no commit in between changed the file.
  let newer: LineageVersion | undefined;
  for await (const version of lineageVersions(location, name)) {
    const present = version.lineage !== undefined && isPresent(version.lineage);
    if (present && newer === undefined) return undefined;
    if (present && newer !== undefined) {
      return {
        commit: newer.commit,
        date: newer.date,
        subject: newer.subject,
        lastPresent: version.commit,
        removal: REMOVAL[newer.file],
      };
    }
    newer = version;
  }
  return undefined;
}
