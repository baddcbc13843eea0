import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { createSecureContext, rootCertificates } from 'node:tls';

/** Response of {@link HttpClient.get}, with the body decoded as UTF-8. */
export interface HttpResponse {
  status: number;
  /** Header names in lower case. Repeated headers are joined with ", ". */
  headers: Record<string, string>;
  body: string;
}

/** Settings of {@link createHttpClient}. */
export interface HttpClientOptions {
  /** Sent on every request. Some CAs (Pebble among them) reject requests without it. */
  userAgent: string;
  /** PEM bundle trusted in addition to Node's default roots, for a private CA. */
  caCertificates?: string;
  /** Time allowed for the whole request, from connecting to the last body byte. */
  timeoutMs?: number;
  /** Largest response body accepted, in bytes. */
  maxBodyBytes?: number;
}

/** Plain HTTP(S) client with keep-alive connections. It neither retries nor follows redirects. */
export interface HttpClient {
  readonly userAgent: string;
  /** Keep-alive agent for https: URLs, for other libraries (axios `httpsAgent`) to reuse. */
  readonly agent: https.Agent;
  /** Keep-alive agent for http: URLs (axios `httpAgent`). */
  readonly httpAgent: http.Agent;
  get(url: string, headers?: Record<string, string>): Promise<HttpResponse>;
  /** Closes idle keep-alive connections so the process can exit. */
  close(): void;
}

/**
 * Failure to get any HTTP response. `code` is Node's error code (`ECONNREFUSED`,
 * `ENOTFOUND`, ...) or `ETIMEDOUT` when `timeoutMs` passed, `EBODYTOOLARGE` when the
 * body exceeded `maxBodyBytes`.
 */
export class HttpRequestError extends Error {
  readonly url: string;
  readonly code: string;

  constructor(url: string, code: string, message: string) {
    super(message);
    this.name = 'HttpRequestError';
    this.url = url;
    this.code = code;
  }
}

export const DEFAULT_TIMEOUT_MS = 30_000;
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

/** Creates an {@link HttpClient}. Throws when `caCertificates` contains no PEM certificate. */
export function createHttpClient(options: HttpClientOptions): HttpClient {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  if (!options.userAgent.trim()) {
    throw new Error('The HTTP client needs a non-empty User-Agent: pass userAgent.');
  }

  const ca =
    options.caCertificates === undefined ? undefined : trustedRoots(options.caCertificates);
  // One secure context for every connection: with `ca` alone, each new connection
  // parses the whole root store again (about 100 ms of CPU each on the test machine).
  const secureContext = ca === undefined ? undefined : createSecureContext({ ca });
  const agent = new https.Agent({ keepAlive: true, secureContext });
  const httpAgent = new http.Agent({ keepAlive: true });

  const get = async (url: string, headers: Record<string, string> = {}): Promise<HttpResponse> => {
    const target = parseUrl(url);
    const transport = target.protocol === 'https:' ? https : http;
    const requestOptions: https.RequestOptions = {
      method: 'GET',
      agent: target.protocol === 'https:' ? agent : httpAgent,
      headers: withUserAgent(headers, options.userAgent),
    };
    return new Promise((resolve, reject) => {
      const request = transport.request(target, requestOptions, (response) => {
        readBody(url, response, maxBodyBytes).then(resolve, reject);
      });
      request.setTimeout(timeoutMs, () => {
        request.destroy(
          new HttpRequestError(url, 'ETIMEDOUT', `GET ${url} timed out after ${timeoutMs} ms.`),
        );
      });
      request.on('error', (error) => reject(toRequestError(url, error)));
      request.end();
    });
  };

  return {
    userAgent: options.userAgent,
    agent,
    httpAgent,
    get,
    close: () => {
      agent.destroy();
      httpAgent.destroy();
    },
  };
}

/**
 * Builds the CA list for the https agent. Setting `ca` replaces Node's whole trust store,
 * so the default roots and the file named by NODE_EXTRA_CA_CERTS are added back.
 */
function trustedRoots(caCertificates: string): string[] {
  const added = caCertificates.match(
    /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g,
  );
  if (!added) {
    throw new Error(
      'The CA certificates contain no PEM certificate ("-----BEGIN CERTIFICATE-----"). ' +
        'Pass a PEM bundle or leave the CA certificates unset.',
    );
  }
  return [...rootCertificates, ...extraCertificatesFromEnvironment(), ...added];
}

function extraCertificatesFromEnvironment(): string[] {
  const file = process.env.NODE_EXTRA_CA_CERTS;
  if (!file) return [];
  try {
    return [readFileSync(file, 'utf8')];
  } catch {
    // Node itself already printed a warning for an unreadable NODE_EXTRA_CA_CERTS at start-up.
    return [];
  }
}

function parseUrl(url: string): URL {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    throw new HttpRequestError(
      url,
      'EINVALIDURL',
      `Invalid URL "${url}": expected http(s)://host/path.`,
    );
  }
  if (target.protocol !== 'https:' && target.protocol !== 'http:') {
    throw new HttpRequestError(
      url,
      'EINVALIDURL',
      `Unsupported URL scheme in "${url}": expected https: or http:.`,
    );
  }
  return target;
}

function readBody(
  url: string,
  response: http.IncomingMessage,
  maxBodyBytes: number,
): Promise<HttpResponse> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    response.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBodyBytes) {
        response.destroy(
          new HttpRequestError(
            url,
            'EBODYTOOLARGE',
            `GET ${url} returned a body larger than ${maxBodyBytes} bytes.`,
          ),
        );
        return;
      }
      chunks.push(chunk);
    });
    response.on('error', (error) => reject(toRequestError(url, error)));
    response.on('end', () => {
      resolve({
        status: response.statusCode ?? 0,
        headers: flattenHeaders(response.headers),
        body: Buffer.concat(chunks).toString('utf8'),
      });
    });
  });
}

/** Lower-cases header names so the caller cannot send a second, differently spelled User-Agent. */
function withUserAgent(headers: Record<string, string>, userAgent: string): Record<string, string> {
  const merged: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) merged[name.toLowerCase()] = value;
  merged['user-agent'] = userAgent;
  return merged;
}

function flattenHeaders(headers: http.IncomingHttpHeaders): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    flat[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}

function toRequestError(url: string, error: unknown): HttpRequestError {
  if (error instanceof HttpRequestError) return error;
  const code =
    error instanceof Error && typeof (error as NodeJS.ErrnoException).code === 'string'
      ? ((error as NodeJS.ErrnoException).code as string)
      : 'EREQUEST';
  const reason = error instanceof Error ? error.message : String(error);
  return new HttpRequestError(url, code, `GET ${url} failed: ${reason}`);
}
