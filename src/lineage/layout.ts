import type { LineageChange } from './store.js';
import { serializeLineage } from './serialize.js';

/**
 * Layout of the state branch, shared by every store backend: one folder per
 * certificate name, holding `lineage.json` and extra files such as PEM chains.
 */

export const LINEAGE_FILE = 'lineage.json';

/** Path of a certificate's lineage file, relative to the root of the state branch. */
export function lineageFilePath(name: string): string {
  return `${name}/${LINEAGE_FILE}`;
}

// Names become folder names on the branch and in git revisions such as
// `<commit>:<name>/lineage.json`, so they are limited to one safe path segment.
const NAME_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9._-]*$/;

/** Throws unless `name` can be a folder name on the state branch. */
export function assertCertificateName(name: string): void {
  if (!NAME_PATTERN.test(name) || name.length > 200) {
    throw new Error(
      `Invalid certificate name ${JSON.stringify(name)}: use 1 to 200 letters, digits, '.', '_' or '-', ` +
        `starting with a letter, digit or '_'.`,
    );
  }
}

/** Throws unless `path` is a relative path inside a certificate folder other than lineage.json. */
export function assertExtraFilePath(name: string, path: string): void {
  const segments = path.split('/');
  const unsafe = segments.some(
    (segment) =>
      segment === '' || segment === '.' || segment === '..' || !NAME_PATTERN.test(segment),
  );
  if (unsafe || path === LINEAGE_FILE) {
    throw new Error(
      `Invalid extra file path ${JSON.stringify(path)} for certificate ${name}: use a relative path of ` +
        `letters, digits, '.', '_' and '-' segments separated by '/', other than ${LINEAGE_FILE}.`,
    );
  }
}

/**
 * Throws when `content` looks like a PEM private key. The state branch is readable by
 * everyone who can read the repository, so a private key must never be committed.
 */
export function assertNoPrivateKey(name: string, path: string, content: string): void {
  if (content.includes('PRIVATE KEY')) {
    throw new Error(
      `Cannot write ${name}/${path} to the state branch: it contains a private key ("PRIVATE KEY"). ` +
        `Store only certificates and chains there; keep private keys in a secret store.`,
    );
  }
}

/**
 * Validates a change for certificate `name` and returns the files to write, keyed by
 * path relative to the root of the branch, lineage file first.
 */
export function folderFiles(name: string, change: LineageChange): Map<string, string> {
  if (change.lineage.name !== name) {
    throw new Error(
      `The change for certificate ${name} returned a lineage named ${JSON.stringify(change.lineage.name)}. ` +
        `A lineage must keep the name of its folder.`,
    );
  }

  const files = new Map<string, string>();
  const lineageText = serializeLineage(change.lineage, lineageFilePath(name));
  assertNoPrivateKey(name, LINEAGE_FILE, lineageText);
  files.set(lineageFilePath(name), lineageText);

  for (const [path, content] of Object.entries(change.files ?? {})) {
    assertExtraFilePath(name, path);
    assertNoPrivateKey(name, path, content);
    files.set(`${name}/${path}`, content);
  }
  return files;
}
