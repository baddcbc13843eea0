import { randomBytes } from 'node:crypto';
import { chmod, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

import type { IssuedFiles } from './context.js';

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/**
 * Writes the certificate, its issuer chain, the full chain and the private key to
 * `<outputDirectory>/<name>/`. The key file is created with mode 0600 and the folder
 * with 0700, so only the runner's user reads them.
 */
export async function writeIssuedFiles(
  outputDirectory: string,
  name: string,
  chainPem: string,
  privateKeyPem: string,
): Promise<IssuedFiles> {
  const directory = path.join(outputDirectory, name);
  await mkdir(directory, { recursive: true, mode: 0o700 });
  await chmod(directory, 0o700);
  await keepOutOfGit(outputDirectory);

  const blocks = chainPem.match(PEM_CERTIFICATE) ?? [];
  const [leaf, ...issuers] = blocks;
  if (!leaf) throw new Error(`The chain downloaded for ${name} contains no PEM certificate`);

  const files: IssuedFiles = {
    directory,
    certificate: path.join(directory, 'cert.pem'),
    chain: path.join(directory, 'chain.pem'),
    fullchain: path.join(directory, 'fullchain.pem'),
    privateKey: path.join(directory, 'privkey.pem'),
  };
  await replaceFile(files.privateKey, privateKeyPem, 0o600);
  await replaceFile(files.certificate, `${leaf}\n`, 0o644);
  await replaceFile(files.chain, issuers.map((block) => `${block}\n`).join(''), 0o644);
  await replaceFile(files.fullchain, blocks.map((block) => `${block}\n`).join(''), 0o644);
  return files;
}

/**
 * Writes `content` to a new file beside `target` and renames it over `target`. Readers
 * never see half a file, and a symbolic link at `target` is replaced, not followed.
 */
async function replaceFile(target: string, content: string, mode: number): Promise<void> {
  const temporary = `${target}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await writeFile(temporary, content, { mode, flag: 'wx' });
    await rename(temporary, target);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

/**
 * Puts a `.gitignore` of `*` in the output directory, so keys written inside a
 * repository (the command line's default is `./certificates`) are never committed by
 * a later `git add`.
 */
async function keepOutOfGit(outputDirectory: string): Promise<void> {
  await writeFile(path.join(outputDirectory, '.gitignore'), '*\n', { flag: 'wx' }).catch(
    (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw error;
    },
  );
}
