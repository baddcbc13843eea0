import { readFile } from 'node:fs/promises';

import { parseManifest, FILE_START } from './parse.js';
import { ManifestError } from './problems.js';
import type { Manifest } from './types.js';

/** Path the action and the command line read the manifest from unless given another. */
export const DEFAULT_MANIFEST_PATH = '.github/certificates.yml';

/** Reads and validates the manifest at `path`. Throws ManifestError listing every problem. */
export async function loadManifest(path: string): Promise<Manifest> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const message =
      code === 'ENOENT'
        ? `the manifest file does not exist: create it, or give the path of your manifest (the default is ${DEFAULT_MANIFEST_PATH}).`
        : `the manifest file cannot be read (${error instanceof Error ? error.message : String(error)}): check its path and permissions.`;
    throw new ManifestError([{ file: path, ...FILE_START, message }]);
  }
  return parseManifest(text, path);
}
