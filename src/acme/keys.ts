import { generateKeyPair } from 'node:crypto';

import type { KeyType } from '../manifest/types.js';
import { loadAcmeLibrary } from './library.js';

/** Creates a new private key of the manifest's key type, PKCS#8 PEM. */
export function createPrivateKey(keyType: KeyType): Promise<string> {
  const encoding = {
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  } as const;

  return new Promise((resolve, reject) => {
    const done = (error: Error | null, _publicKey: string, privateKey: string): void => {
      if (error) reject(error);
      else resolve(privateKey);
    };
    if (keyType === 'ec-p256' || keyType === 'ec-p384') {
      generateKeyPair(
        'ec',
        { namedCurve: keyType === 'ec-p256' ? 'P-256' : 'P-384', ...encoding },
        done,
      );
    } else {
      generateKeyPair('rsa', { modulusLength: Number(keyType.slice(4)), ...encoding }, done);
    }
  });
}

/**
 * Builds a DER CSR for `domains` signed by `keyPem`. The first name becomes the
 * common name when it fits the 64-character upper bound of RFC 5280; CAs take the
 * identifiers from the SAN extension either way.
 */
export async function createCsrDer(domains: string[], keyPem: string): Promise<Buffer> {
  const first = domains[0];
  const commonName = first !== undefined && first.length <= 64 ? first : undefined;
  const library = await loadAcmeLibrary();
  const [, csrPem] = await library.crypto.createCsr({ commonName, altNames: domains }, keyPem);
  const base64 = csrPem
    .toString('utf8')
    .replace(/-----(BEGIN|END) CERTIFICATE REQUEST-----/g, '')
    .replace(/\s+/g, '');
  return Buffer.from(base64, 'base64');
}
