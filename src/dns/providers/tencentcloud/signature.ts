import { createHash, createHmac } from 'node:crypto';

export interface Tc3Request {
  host: string;
  service: string;
  /** JSON body sent with POST. */
  payload: string;
  contentType: string;
  /** Request time in seconds since the epoch; the credential scope uses its UTC date. */
  timestamp: number;
}

function sha256Hex(data: string): string {
  return createHash('sha256').update(data, 'utf8').digest('hex');
}

function hmac(key: Buffer | string, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}

/**
 * Computes the `Authorization` header of TencentCloud API 3.0 (TC3-HMAC-SHA256) for
 * a POST to `/` that signs the `content-type` and `host` headers.
 */
export function signTc3(request: Tc3Request, secretId: string, secretKey: string): string {
  const date = new Date(request.timestamp * 1000).toISOString().slice(0, 10);
  const signedHeaders = 'content-type;host';
  const canonicalRequest = [
    'POST',
    '/',
    '',
    `content-type:${request.contentType.toLowerCase()}\nhost:${request.host}\n`,
    signedHeaders,
    sha256Hex(request.payload),
  ].join('\n');
  const credentialScope = `${date}/${request.service}/tc3_request`;
  const stringToSign = [
    'TC3-HMAC-SHA256',
    String(request.timestamp),
    credentialScope,
    sha256Hex(canonicalRequest),
  ].join('\n');

  const signingKey = hmac(hmac(hmac(`TC3${secretKey}`, date), request.service), 'tc3_request');
  const signature = createHmac('sha256', signingKey).update(stringToSign, 'utf8').digest('hex');
  return `TC3-HMAC-SHA256 Credential=${secretId}/${credentialScope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
}
