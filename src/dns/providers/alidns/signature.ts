import { createHmac } from 'node:crypto';

/**
 * Percent-encodes the way the Alibaba Cloud RPC signature requires: RFC 3986
 * unreserved characters stay, everything else becomes `%XY`, and a space is `%20`.
 */
export function percentEncode(text: string): string {
  return encodeURIComponent(text).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/** Returns the canonicalized query: parameters sorted by name, names and values percent-encoded. */
export function canonicalizedQuery(parameters: Record<string, string>): string {
  return Object.keys(parameters)
    .sort()
    .map((key) => `${percentEncode(key)}=${percentEncode(parameters[key] ?? '')}`)
    .join('&');
}

/**
 * Computes the `Signature` parameter of the RPC signature version 1.0: base64 of
 * HMAC-SHA1, keyed with the AccessKey secret plus `&`, over
 * `METHOD&%2F&percentEncode(canonicalized query)`.
 */
export function signRpc(
  method: string,
  parameters: Record<string, string>,
  accessKeySecret: string,
): string {
  const stringToSign = `${method.toUpperCase()}&${percentEncode('/')}&${percentEncode(canonicalizedQuery(parameters))}`;
  return createHmac('sha1', `${accessKeySecret}&`).update(stringToSign, 'utf8').digest('base64');
}
