import { createHash, createHmac } from 'node:crypto';

export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface SigV4Request {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string;
}

export interface SigV4Scope {
  region: string;
  service: string;
  /** Signing time; the `X-Amz-Date` header is derived from it. */
  date: Date;
}

function sha256Hex(data: string): string {
  return createHash('sha256').update(data, 'utf8').digest('hex');
}

function hmac(key: Buffer | string, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}

/** Percent-encodes per RFC 3986: everything except A-Z a-z 0-9 - _ . ~ */
export function encodeRfc3986(text: string): string {
  return encodeURIComponent(text).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/** Formats a date as `YYYYMMDDTHHMMSSZ`, the form of `X-Amz-Date`. */
export function amzDate(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

function canonicalQuery(url: URL): string {
  const pairs = [...url.searchParams].map(
    ([key, value]) => [encodeRfc3986(key), encodeRfc3986(value)] as const,
  );
  pairs.sort(([keyA, valueA], [keyB, valueB]) =>
    keyA === keyB ? compare(valueA, valueB) : compare(keyA, keyB),
  );
  return pairs.map(([key, value]) => `${key}=${value}`).join('&');
}

function compare(a: string, b: string): number {
  if (a < b) return -1;
  return a > b ? 1 : 0;
}

/** Builds the canonical request of AWS Signature Version 4 and the list of signed header names. */
export function canonicalRequest(request: SigV4Request): { text: string; signedHeaders: string } {
  const url = new URL(request.url);
  const headers = new Map<string, string>();
  for (const [name, value] of Object.entries(request.headers)) {
    headers.set(name.toLowerCase(), value.trim().replace(/\s+/g, ' '));
  }
  const names = [...headers.keys()].sort();
  const canonicalHeaders = names.map((name) => `${name}:${headers.get(name) ?? ''}\n`).join('');
  const signedHeaders = names.join(';');
  const text = [
    request.method.toUpperCase(),
    url.pathname || '/',
    canonicalQuery(url),
    canonicalHeaders,
    signedHeaders,
    sha256Hex(request.body),
  ].join('\n');
  return { text, signedHeaders };
}

/**
 * Signs a request with AWS Signature Version 4 and returns the headers to send: the
 * request's own headers plus `host`, `x-amz-date`, `x-amz-security-token` (for
 * temporary credentials) and `authorization`.
 */
export function signV4(
  request: SigV4Request,
  credentials: AwsCredentials,
  scope: SigV4Scope,
): Record<string, string> {
  const stamp = amzDate(scope.date);
  const day = stamp.slice(0, 8);
  const headers: Record<string, string> = {
    ...request.headers,
    host: new URL(request.url).host,
    'x-amz-date': stamp,
  };
  if (credentials.sessionToken) headers['x-amz-security-token'] = credentials.sessionToken;

  const canonical = canonicalRequest({ ...request, headers });
  const credentialScope = `${day}/${scope.region}/${scope.service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', stamp, credentialScope, sha256Hex(canonical.text)].join(
    '\n',
  );

  const dayKey = hmac(`AWS4${credentials.secretAccessKey}`, day);
  const signingKey = hmac(hmac(hmac(dayKey, scope.region), scope.service), 'aws4_request');
  const signature = createHmac('sha256', signingKey).update(stringToSign, 'utf8').digest('hex');

  headers.authorization =
    `AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/${credentialScope}, ` +
    `SignedHeaders=${canonical.signedHeaders}, Signature=${signature}`;
  return headers;
}
