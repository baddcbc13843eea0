import { ProviderError, messageOf } from './errors.js';

export interface HttpRequest {
  method: string;
  url: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface HttpResponse {
  status: number;
  headers: Headers;
  text: string;
}

/** Sends one request with global fetch; a network failure becomes a ProviderError naming the URL. */
export async function send(provider: string, request: HttpRequest): Promise<HttpResponse> {
  let response: Response;
  try {
    response = await fetch(request.url, {
      method: request.method,
      headers: request.headers,
      body: request.body,
      signal: AbortSignal.timeout(60_000),
    });
  } catch (error) {
    const cause = error instanceof Error && error.cause ? ` (${messageOf(error.cause)})` : '';
    throw new ProviderError(
      provider,
      `${request.method} ${withoutQuery(request.url)} failed: ${messageOf(error)}${cause}. Check the network and the API base URL.`,
      { cause: error },
    );
  }
  return { status: response.status, headers: response.headers, text: await response.text() };
}

/** Parses a JSON body, raising a ProviderError that shows the status and the start of the body. */
export function parseJson<T>(provider: string, request: HttpRequest, response: HttpResponse): T {
  try {
    return JSON.parse(response.text) as T;
  } catch {
    throw new ProviderError(
      provider,
      `${request.method} ${withoutQuery(request.url)} returned HTTP ${response.status} with a body that is not JSON: ${response.text.slice(0, 200)}`,
    );
  }
}

/** Drops the query, which may carry signatures or tokens, from a URL shown in messages. */
export function withoutQuery(url: string): string {
  const index = url.indexOf('?');
  return index === -1 ? url : url.slice(0, index);
}

/** Joins a base URL from settings (with or without a trailing slash) and a path. */
export function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}${path}`;
}
