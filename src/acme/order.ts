import { AcmeProblemError, type ProblemDocument } from './problem.js';
import { parseRetryAfter } from './retry-after.js';
import { type AcmeResponse, type AcmeSession, sleep } from './session.js';

/** Order statuses of RFC 8555 section 7.1.6. */
export type OrderStatus = 'pending' | 'ready' | 'processing' | 'valid' | 'invalid';

export interface AcmeIdentifier {
  type: 'dns' | 'ip';
  value: string;
}

/** Order object (RFC 8555 section 7.1.3) with its URL. */
export interface AcmeOrder {
  url: string;
  status: OrderStatus;
  expires?: string;
  identifiers: AcmeIdentifier[];
  authorizations: string[];
  finalize: string;
  certificate?: string;
  profile?: string;
  /** certID this order replaces, as the server echoes it (RFC 9773 section 5). */
  replaces?: string;
  error?: ProblemDocument;
}

export interface NewOrderRequest {
  identifiers: AcmeIdentifier[];
  profile?: string;
  replaces?: string;
}

/** How long to wait for an order or authorization to change status, and how. */
export interface PollOptions {
  /** Upper bound on the total wait, in milliseconds. */
  timeoutMs: number;
  /** Delay when the server sends no Retry-After, in milliseconds. */
  defaultDelayMs?: number;
  /**
   * Wait before the first request, in milliseconds. Callers that just triggered the
   * change (a challenge response, a finalization) set a short one, so a server that
   * finishes quickly is seen before it would ask, through Retry-After, for a long wait.
   */
  firstDelayMs?: number;
  /** Replaceable in tests so waits can be observed without passing real time. */
  sleep?: (ms: number) => Promise<void>;
  now?: () => Date;
}

const IP_ADDRESS = /^[0-9.]+$|:/;

/** Maps manifest domains to ACME identifiers (RFC 8555 section 9.7.7, RFC 8738 for IPs). */
export function identifiersFor(domains: string[]): AcmeIdentifier[] {
  return domains.map((value) => ({ type: IP_ADDRESS.test(value) ? 'ip' : 'dns', value }));
}

/**
 * Sends newOrder (RFC 8555 section 7.4). With `replaces` set, server errors are not
 * retried, because some servers return 500 for a `replaces` they cannot resolve, and
 * the caller must classify that refusal itself.
 */
export async function placeOrder(
  session: AcmeSession,
  request: NewOrderRequest,
): Promise<AcmeOrder> {
  const payload: Record<string, unknown> = { identifiers: request.identifiers };
  if (request.profile) payload.profile = request.profile;
  if (request.replaces) payload.replaces = request.replaces;

  const response = await session.post('newOrder', session.directory.newOrder, payload, {
    retryServerErrors: request.replaces === undefined,
  });
  const location = response.headers.location;
  if (!location) {
    throw new Error(
      `newOrder at ${session.directory.newOrder} returned HTTP ${response.status} without a Location header`,
    );
  }
  return toOrder(location, response);
}

/** Fetches an order with POST-as-GET (RFC 8555 section 6.3). */
export async function fetchOrder(session: AcmeSession, url: string): Promise<AcmeOrder> {
  return toOrder(url, await session.post('fetching order', url, null));
}

/** Sends the CSR to the order's finalize URL (RFC 8555 section 7.4). `csrDer` is the DER CSR. */
export async function finalizeOrder(
  session: AcmeSession,
  order: AcmeOrder,
  csrDer: Buffer,
): Promise<AcmeOrder> {
  // Not retried here: a finalization whose response was lost may have been applied, and
  // a blind retry then fails with orderNotReady. The caller fetches the order instead.
  const response = await session.post(
    'finalizing order',
    order.finalize,
    { csr: csrDer.toString('base64url') },
    { retryServerErrors: false },
  );
  return toOrder(order.url, response);
}

/** Downloads the PEM certificate chain of a valid order (RFC 8555 section 7.4.2). */
export async function downloadCertificate(session: AcmeSession, order: AcmeOrder): Promise<string> {
  if (!order.certificate)
    throw new Error(`Order ${order.url} is valid but names no certificate URL`);
  const response = await session.post('downloading certificate', order.certificate, null);
  const body =
    typeof response.data === 'string'
      ? response.data
      : Buffer.from(response.data as ArrayBuffer).toString('utf8');
  if (!body.includes('-----BEGIN CERTIFICATE-----')) {
    throw new Error(`The CA returned no PEM certificate chain at ${order.certificate}`);
  }
  return body;
}

/**
 * Polls the order until it leaves `pending`/`processing` (or reaches `ready` when
 * `untilReady`), honouring Retry-After in seconds and as an HTTP date. Ends with a
 * timeout error stating that the order is kept for the next run.
 */
export async function waitForOrder(
  session: AcmeSession,
  order: AcmeOrder,
  options: PollOptions & { untilReady?: boolean },
): Promise<AcmeOrder> {
  const settled: OrderStatus[] = options.untilReady
    ? ['ready', 'valid', 'invalid']
    : ['valid', 'invalid'];
  return pollStatus<AcmeOrder>(
    async () => {
      const response = await session.post('fetching order', order.url, null);
      return { value: toOrder(order.url, response), retryAfter: response.headers['retry-after'] };
    },
    (current) => settled.includes(current.status),
    (current) => `order ${order.url} is still ${current.status}`,
    options,
  );
}

/**
 * Generic poller: calls `fetch` until `done` holds, sleeping for the server's
 * Retry-After (clamped to 1..60 s) or a growing default between attempts.
 */
export async function pollStatus<T>(
  fetch: () => Promise<{ value: T; retryAfter?: string }>,
  done: (value: T) => boolean,
  describeWaiting: (value: T) => string,
  options: PollOptions,
): Promise<T> {
  const wait = options.sleep ?? sleep;
  const now = options.now ?? (() => new Date());
  const startedAt = now().getTime();
  let fallbackDelay = options.defaultDelayMs ?? 1000;
  if (options.firstDelayMs) await wait(options.firstDelayMs);

  for (;;) {
    const { value, retryAfter } = await fetch();
    if (done(value)) return value;

    const requested = parseRetryAfter(retryAfter, now());
    const delay = Math.min(60_000, Math.max(1000, requested ?? fallbackDelay));
    if (requested === undefined) fallbackDelay = Math.min(10_000, fallbackDelay * 2);

    const elapsed = now().getTime() - startedAt;
    if (elapsed + delay > options.timeoutMs) {
      throw new Error(
        `Timed out after ${Math.round(elapsed / 1000)} s: ${describeWaiting(value)}. ` +
          'The order is recorded in the lineage, so the next run resumes it.',
      );
    }
    await wait(delay);
  }
}

/** Throws the order's own problem document when it became invalid. */
export function assertOrderNotInvalid(order: AcmeOrder): void {
  if (order.status !== 'invalid') return;
  throw new AcmeProblemError(
    `order ${order.url}`,
    order.url,
    order.error ?? { status: 0, detail: 'the order became invalid and the CA gave no error' },
  );
}

function toOrder(url: string, response: AcmeResponse): AcmeOrder {
  const data = response.data as Partial<AcmeOrder> | undefined;
  if (!data || typeof data !== 'object' || typeof data.status !== 'string') {
    throw new Error(`The CA returned an order without a status at ${url}`);
  }
  return {
    url,
    status: data.status,
    expires: data.expires,
    identifiers: data.identifiers ?? [],
    authorizations: data.authorizations ?? [],
    finalize: data.finalize ?? '',
    certificate: data.certificate,
    profile: data.profile,
    replaces: data.replaces,
    error: data.error,
  };
}
