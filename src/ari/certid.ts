import { X509Certificate } from 'node:crypto';

import {
  DerError,
  TAG_BOOLEAN,
  TAG_INTEGER,
  TAG_OCTET_STRING,
  TAG_OID,
  TAG_SEQUENCE,
  contentOf,
  expectElement,
  readChildren,
  readElement,
  readTime,
  type DerElement,
} from './der.js';

/** Identity of one certificate, as ARI and the lineage use it. */
export interface CertificateIdentity {
  /** Lower-case hex of the serial's DER INTEGER content, 0x00 sign byte included. */
  serialHex: string;
  /** The serial's DER INTEGER content bytes, 0x00 sign byte included. */
  serialBytes: Buffer;
  /** keyIdentifier of the Authority Key Identifier extension, or null when absent. */
  authorityKeyId: Buffer | null;
  /** RFC 9773 certID, or null when the certificate has no Authority Key Identifier. */
  certId: string | null;
  notBefore: Date;
  notAfter: Date;
  /** Issuer distinguished name for display, for example `C=US, O=Let's Encrypt, CN=R11`. */
  issuer: string;
  /** DNS names and IP addresses from the Subject Alternative Name extension. */
  subjectAltNames: string[];
}

/** The two halves of a certID, decoded. */
export interface ParsedCertId {
  authorityKeyId: Buffer;
  serialBytes: Buffer;
  serialHex: string;
}

/** Raised for input that is not a certificate or not a certID. */
export class CertIdError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CertIdError';
  }
}

// DER content of the OIDs 2.5.29.35 (authorityKeyIdentifier) and 2.5.29.17 (subjectAltName).
const OID_AUTHORITY_KEY_IDENTIFIER = '551d23';
const OID_SUBJECT_ALT_NAME = '551d11';

const TAG_VERSION = 0xa0;
const TAG_EXTENSIONS = 0xa3;
const TAG_KEY_IDENTIFIER = 0x80;
const TAG_DNS_NAME = 0x82;
const TAG_IP_ADDRESS = 0x87;

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----([\s\S]+?)-----END CERTIFICATE-----/;
const BASE64URL_HALF = /^[A-Za-z0-9_-]+$/;

/**
 * Reads the identity of a certificate given as PEM (the first certificate of a chain is
 * used) or DER. Serial and Authority Key Identifier come from the DER itself: the
 * `serialNumber` of @peculiar/x509 2.2 drops the 0x00 sign byte, and OpenSSL's text
 * output changes format between versions.
 */
export function certificateIdentity(pemOrDer: string | Uint8Array): CertificateIdentity {
  const der = toDer(pemOrDer);
  try {
    return readIdentity(der);
  } catch (error) {
    // DerError from this reader, or Node's own parse error from reading the issuer.
    const reason = error instanceof Error ? error.message : String(error);
    throw new CertIdError(`Invalid certificate: ${reason}. Pass a PEM or DER X.509 certificate.`);
  }
}

/** Builds an RFC 9773 section 4.1 certID from the AKI keyIdentifier and the serial's DER content. */
export function encodeCertId(authorityKeyId: Uint8Array, serialBytes: Uint8Array): string {
  return `${Buffer.from(authorityKeyId).toString('base64url')}.${Buffer.from(serialBytes).toString('base64url')}`;
}

/** Decodes a certID. Throws a {@link CertIdError} naming the value when it is malformed. */
export function parseCertId(certId: string): ParsedCertId {
  const halves = certId.split('.');
  const [akiPart, serialPart] = halves;
  if (
    halves.length !== 2 ||
    !akiPart ||
    !serialPart ||
    !BASE64URL_HALF.test(akiPart) ||
    !BASE64URL_HALF.test(serialPart)
  ) {
    throw new CertIdError(
      `Invalid certID "${certId}": expected base64url(AKI keyIdentifier) "." base64url(serial), without "=" padding.`,
    );
  }

  const authorityKeyId = Buffer.from(akiPart, 'base64url');
  const serialBytes = Buffer.from(serialPart, 'base64url');
  // Node's decoder ignores stray trailing bits, so only a value that re-encodes to itself is canonical.
  if (encodeCertId(authorityKeyId, serialBytes) !== certId) {
    throw new CertIdError(`Invalid certID "${certId}": a half is not canonical base64url.`);
  }
  return { authorityKeyId, serialBytes, serialHex: serialBytes.toString('hex') };
}

function toDer(pemOrDer: string | Uint8Array): Uint8Array {
  const looksLikePem =
    typeof pemOrDer === 'string' || Buffer.from(pemOrDer.subarray(0, 64)).includes('-----BEGIN');
  if (!looksLikePem) return pemOrDer;

  const text = typeof pemOrDer === 'string' ? pemOrDer : Buffer.from(pemOrDer).toString('utf8');
  const match = PEM_CERTIFICATE.exec(text);
  if (!match?.[1]) {
    throw new CertIdError(
      'No PEM certificate found: expected a "-----BEGIN CERTIFICATE-----" block.',
    );
  }
  return Buffer.from(match[1].replace(/\s+/g, ''), 'base64');
}

function readIdentity(der: Uint8Array): CertificateIdentity {
  const certificate = expectElement(der, 0, TAG_SEQUENCE, 'Certificate');
  const tbs = expectElement(
    der,
    certificate.contentStart,
    TAG_SEQUENCE,
    'TBSCertificate',
    certificate.end,
  );
  const fields = readChildren(der, tbs);

  // RFC 5280 section 4.1: an optional [0] version, then serial, signature, issuer, validity.
  const [serialField, , , validityField] = fields.slice(fields[0]?.tag === TAG_VERSION ? 1 : 0);
  const serial = requireField(serialField, TAG_INTEGER, 'serialNumber');
  const validity = requireField(validityField, TAG_SEQUENCE, 'validity');
  const [notBefore, notAfter] = readChildren(der, validity);
  if (!notBefore || !notAfter) throw new DerError('validity lacks notBefore or notAfter');

  const extensions = extensionValues(
    der,
    fields.find((field) => field.tag === TAG_EXTENSIONS),
  );
  const serialBytes = Buffer.from(contentOf(der, serial));
  const authorityKeyId = readAuthorityKeyId(der, extensions.get(OID_AUTHORITY_KEY_IDENTIFIER));

  return {
    serialHex: serialBytes.toString('hex'),
    serialBytes,
    authorityKeyId,
    certId: authorityKeyId ? encodeCertId(authorityKeyId, serialBytes) : null,
    notBefore: readTime(der, notBefore),
    notAfter: readTime(der, notAfter),
    issuer: new X509Certificate(der).issuer.split('\n').join(', '),
    subjectAltNames: readSubjectAltNames(der, extensions.get(OID_SUBJECT_ALT_NAME)),
  };
}

function requireField(field: DerElement | undefined, tag: number, fieldName: string): DerElement {
  if (!field || field.tag !== tag) throw new DerError(`TBSCertificate lacks ${fieldName}`);
  return field;
}

/** Maps each extension's OID (hex of its DER content) to its extnValue OCTET STRING. */
function extensionValues(
  der: Uint8Array,
  wrapper: DerElement | undefined,
): Map<string, DerElement> {
  const values = new Map<string, DerElement>();
  if (!wrapper) return values;

  const list = expectElement(der, wrapper.contentStart, TAG_SEQUENCE, 'Extensions', wrapper.end);
  for (const extension of readChildren(der, list)) {
    const [oid, second, third] = readChildren(der, extension);
    if (!oid || oid.tag !== TAG_OID) throw new DerError('extension without an OID');
    const value = second?.tag === TAG_BOOLEAN ? third : second;
    if (!value || value.tag !== TAG_OCTET_STRING) throw new DerError('extension without extnValue');
    values.set(Buffer.from(contentOf(der, oid)).toString('hex'), value);
  }
  return values;
}

/** Reads keyIdentifier, the optional [0] of AuthorityKeyIdentifier (RFC 5280 section 4.2.1.1). */
function readAuthorityKeyId(der: Uint8Array, value: DerElement | undefined): Buffer | null {
  if (!value) return null;

  const aki = expectElement(
    der,
    value.contentStart,
    TAG_SEQUENCE,
    'AuthorityKeyIdentifier',
    value.end,
  );
  const keyIdentifier = readChildren(der, aki).find((field) => field.tag === TAG_KEY_IDENTIFIER);
  if (!keyIdentifier || keyIdentifier.end === keyIdentifier.contentStart) return null;
  return Buffer.from(contentOf(der, keyIdentifier));
}

function readSubjectAltNames(der: Uint8Array, value: DerElement | undefined): string[] {
  if (!value) return [];

  const names = readElement(der, value.contentStart, value.end);
  const result: string[] = [];
  for (const name of readChildren(der, names)) {
    const bytes = Buffer.from(contentOf(der, name));
    if (name.tag === TAG_DNS_NAME) result.push(bytes.toString('latin1'));
    if (name.tag === TAG_IP_ADDRESS) result.push(formatIpAddress(bytes));
  }
  return result;
}

function formatIpAddress(bytes: Buffer): string {
  if (bytes.length === 4) return Array.from(bytes).join('.');

  const groups: string[] = [];
  for (let i = 0; i + 1 < bytes.length; i += 2) groups.push(bytes.readUInt16BE(i).toString(16));
  // Shortened with "::" like Node and the URL parser print it, so names compare equal.
  return new URL(`http://[${groups.join(':')}]/`).hostname.slice(1, -1);
}
