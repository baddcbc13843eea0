import { ProviderError } from './errors.js';
import { parseJson, send, withoutQuery, type HttpRequest } from './http.js';

/** Access tokens are renewed when they expire within this many milliseconds. */
const RENEW_MARGIN_MS = 5 * 60_000;

export interface AccessToken {
  token: string;
  /** Expiry in milliseconds since the epoch. */
  expiresAt: number;
}

/** Caches an access token and fetches a new one shortly before it expires; concurrent callers share one fetch. */
export function cacheToken(fetchToken: () => Promise<AccessToken>): () => Promise<string> {
  let current: Promise<AccessToken> | undefined;
  return async () => {
    if (current) {
      const token = await current.catch(() => undefined);
      if (token && token.expiresAt - RENEW_MARGIN_MS > Date.now()) return token.token;
    }
    current = fetchToken();
    return (await current).token;
  };
}

/** Error from a JSON API whose failures look like `{"error": {"code", "message"}}` (Google, Azure, OAuth). */
export class JsonApiError extends ProviderError {
  constructor(
    provider: string,
    readonly status: number,
    readonly code: string,
    summary: string,
  ) {
    super(provider, summary);
  }
}

interface ErrorBody {
  error?: string | { code?: string | number; message?: string; status?: string };
  error_description?: string;
}

/** Sends a request and parses the JSON reply, turning an HTTP error into a JsonApiError with the API's message. */
export async function callJson<T>(
  provider: string,
  operation: string,
  request: HttpRequest,
): Promise<{ status: number; body: T; headers: Headers }> {
  const response = await send(provider, request);
  if (response.status < 400) {
    const body = response.text === '' ? ({} as T) : parseJson<T>(provider, request, response);
    return { status: response.status, body, headers: response.headers };
  }

  let code = `HTTP ${response.status}`;
  let message = response.text.slice(0, 300);
  try {
    const body = JSON.parse(response.text) as ErrorBody;
    if (typeof body.error === 'string') {
      code = body.error;
      message = body.error_description ?? message;
    } else if (body.error) {
      code = String(body.error.status ?? body.error.code ?? code);
      message = body.error.message ?? message;
    }
  } catch {
    // The body is not JSON; its start is shown as it is.
  }
  throw new JsonApiError(
    provider,
    response.status,
    code,
    `${operation} (${request.method} ${withoutQuery(request.url)}) failed with HTTP ${response.status}: ${code}: ${message}`,
  );
}
