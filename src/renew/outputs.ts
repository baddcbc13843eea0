import { chmod, mkdir, writeFile } from 'node:fs/promises';
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
  await writeFile(files.privateKey, privateKeyPem, { mode: 0o600 });
  await chmod(files.privateKey, 0o600);
  await writeFile(files.certificate, `${leaf}\n`);
  await writeFile(files.chain, issuers.map((block) => `${block}\n`).join(''));
  await writeFile(files.fullchain, blocks.map((block) => `${block}\n`).join(''));
  return files;
}
