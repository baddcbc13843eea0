import { randomUUID } from 'node:crypto';
import { ProviderError } from '../shared/errors.js';
import { parseJson, send, withoutQuery } from '../shared/http.js';
import { canonicalizedQuery, percentEncode, signRpc } from './signature.js';

const PROVIDER = 'alidns';
const API_VERSION = '2015-01-09';

export interface AlidnsCredentials {
  accessKeyId: string;
  accessKeySecret: string;
  /** STS token of temporary credentials. */
  securityToken?: string;
}

export class AlidnsApiError extends ProviderError {
  constructor(
    readonly action: string,
    readonly status: number,
    readonly code: string,
    detail: string,
  ) {
    super(PROVIDER, `${action} failed with HTTP ${status}: ${code}: ${detail}`);
  }
}

/** Alibaba Cloud DNS client: RPC-style GET requests signed with signature version 1.0 (HMAC-SHA1). */
export class AlidnsClient {
  constructor(
    private readonly endpoint: string,
    private readonly credentials: AlidnsCredentials,
    /** Clock and nonce source, replaceable so a test can reproduce a signature. */
    private readonly now: () => Date = () => new Date(),
  ) {}

  async call<T>(action: string, parameters: Record<string, string>): Promise<T> {
    const all: Record<string, string> = {
      ...parameters,
      Action: action,
      Format: 'JSON',
      Version: API_VERSION,
      AccessKeyId: this.credentials.accessKeyId,
      SignatureMethod: 'HMAC-SHA1',
      SignatureVersion: '1.0',
      SignatureNonce: randomUUID(),
      Timestamp: this.now()
        .toISOString()
        .replace(/\.\d{3}Z$/, 'Z'),
    };
    if (this.credentials.securityToken) all.SecurityToken = this.credentials.securityToken;

    const signature = signRpc('GET', all, this.credentials.accessKeySecret);
    const base = this.endpoint.endsWith('/') ? this.endpoint : `${this.endpoint}/`;
    const request = {
      method: 'GET',
      url: `${base}?${canonicalizedQuery(all)}&Signature=${percentEncode(signature)}`,
    };
    const response = await send(PROVIDER, request);
    const body = parseJson<T & { Code?: string; Message?: string }>(PROVIDER, request, response);
    if (response.status >= 400 || (body.Code !== undefined && body.Message !== undefined)) {
      throw new AlidnsApiError(
        `${action} (GET ${withoutQuery(request.url)})`,
        response.status,
        body.Code ?? 'Error',
        body.Message ?? response.text.slice(0, 200),
      );
    }
    return body;
  }
}
