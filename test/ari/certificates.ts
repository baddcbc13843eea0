// @peculiar/x509 resolves its algorithms through tsyringe, which needs this polyfill loaded first.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';

const algorithm = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };

/** Options of a throw-away self-signed test certificate. */
export interface TestCertificateOptions {
  /** Serial as hex without sign byte. The generator adds 0x00 when the top bit is set. */
  serialHex: string;
  /** keyIdentifier of the Authority Key Identifier extension. Without it the certificate has no AKI. */
  authorityKeyIdHex?: string;
  dnsNames?: string[];
  ipAddresses?: string[];
  notBefore?: Date;
  notAfter?: Date;
}

/** Creates a self-signed P-256 certificate and returns it as PEM and DER. */
export async function makeCertificate(
  options: TestCertificateOptions,
): Promise<{ pem: string; der: Buffer }> {
  const keys = await crypto.subtle.generateKey(algorithm, true, ['sign', 'verify']);
  const extensions: x509.Extension[] = [];
  if (options.authorityKeyIdHex) {
    extensions.push(new x509.AuthorityKeyIdentifierExtension(options.authorityKeyIdHex));
  }
  const names = [
    ...(options.dnsNames ?? []).map((value) => ({ type: 'dns' as const, value })),
    ...(options.ipAddresses ?? []).map((value) => ({ type: 'ip' as const, value })),
  ];
  if (names.length > 0) extensions.push(new x509.SubjectAlternativeNameExtension(names));

  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: options.serialHex,
    name: 'CN=ARI Test Issuer, O=acme-lineage tests',
    notBefore: options.notBefore ?? new Date('2026-12-01T00:00:00Z'),
    notAfter: options.notAfter ?? new Date('2027-03-01T00:00:00Z'),
    keys,
    signingAlgorithm: algorithm,
    extensions,
  });
  return { pem: certificate.toString('pem'), der: Buffer.from(certificate.rawData) };
}

/** Creates a self-signed certificate for 127.0.0.1 with its private key, for a local HTTPS server. */
export async function makeServerCertificate(): Promise<{ cert: string; key: string }> {
  const keys = await crypto.subtle.generateKey(algorithm, true, ['sign', 'verify']);
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01',
    name: 'CN=127.0.0.1',
    notBefore: new Date(Date.now() - 3_600_000),
    notAfter: new Date(Date.now() + 86_400_000),
    keys,
    signingAlgorithm: algorithm,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.SubjectAlternativeNameExtension([{ type: 'ip', value: '127.0.0.1' }]),
    ],
  });
  const pkcs8 = Buffer.from(await crypto.subtle.exportKey('pkcs8', keys.privateKey));
  const key = `-----BEGIN PRIVATE KEY-----\n${pkcs8.toString('base64').replace(/.{64}/g, '$&\n')}\n-----END PRIVATE KEY-----\n`;
  return { cert: certificate.toString('pem'), key };
}
