import { ProviderError } from '../shared/errors.js';
import { parseJson, send } from '../shared/http.js';
import { signTc3 } from './signature.js';

const PROVIDER = 'tencentcloud';
const API_VERSION = '2021-03-23';
const SERVICE = 'dnspod';
const CONTENT_TYPE = 'application/json; charset=utf-8';

export interface TencentCredentials {
  secretId: string;
  secretKey: string;
  /** Token of temporary credentials, sent as `X-TC-Token`. */
  sessionToken?: string;
}

export class TencentApiError extends ProviderError {
  constructor(
    readonly action: string,
    readonly code: string,
    detail: string,
  ) {
    super(PROVIDER, `${action} failed: ${code}: ${detail}`);
  }
}

interface TencentEnvelope<T> {
  Response: T & { Error?: { Code: string; Message: string }; RequestId?: string };
}

/** DNSPod API 2021-03-23 client: JSON POSTs signed with TC3-HMAC-SHA256. */
export class TencentClient {
  constructor(
    private readonly endpoint: string,
    private readonly credentials: TencentCredentials,
    private readonly region?: string,
  ) {}

  async call<T>(action: string, parameters: Record<string, unknown>): Promise<T> {
    const url = new URL(this.endpoint);
    const payload = JSON.stringify(parameters);
    const timestamp = Math.floor(Date.now() / 1000);
    const authorization = signTc3(
      { host: url.host, service: SERVICE, payload, contentType: CONTENT_TYPE, timestamp },
      this.credentials.secretId,
      this.credentials.secretKey,
    );
    const headers: Record<string, string> = {
      authorization,
      'content-type': CONTENT_TYPE,
      'x-tc-action': action,
      'x-tc-version': API_VERSION,
      'x-tc-timestamp': String(timestamp),
    };
    if (this.region) headers['x-tc-region'] = this.region;
    if (this.credentials.sessionToken) headers['x-tc-token'] = this.credentials.sessionToken;

    const request = { method: 'POST', url: url.toString(), headers, body: payload };
    const response = await send(PROVIDER, request);
    const envelope = parseJson<TencentEnvelope<T>>(PROVIDER, request, response);
    const error = envelope.Response?.Error;
    if (error) throw new TencentApiError(action, error.Code, error.Message);
    if (response.status >= 400 || !envelope.Response) {
      throw new TencentApiError(action, `HTTP ${response.status}`, response.text.slice(0, 200));
    }
    return envelope.Response;
  }
}
