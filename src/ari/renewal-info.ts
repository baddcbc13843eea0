import { HttpRequestError, type HttpClient, type HttpResponse } from '../http.js';
import { parseCertId } from './certid.js';

/** A suggested renewal window (RFC 9773 section 4.2) with parsed times. */
export interface RenewalWindow {
  start: Date;
  end: Date;
}

/** Outcome of one renewalInfo request. */
export type RenewalInfoResult = RenewalInfoAnswer | RenewalInfoFailure;

export interface RenewalInfoAnswer {
  ok: true;
  suggestedWindow: RenewalWindow;
  /** The CA's `explanationURL`, to show to the operator. */
  explanationUrl?: string;
  /** When to ask again: Retry-After clamped to [1 minute, 1 day], or 6 hours without one. */
  retryAfter: Date;
}

export interface RenewalInfoFailure {
  ok: false;
  /** True for failures that retrying soon will not fix (4xx other than 429, bad JSON, DNS). */
  lasting: boolean;
  message: string;
  /** When to ask again: backoff for temporary failures, 6 hours for lasting ones. */
  nextAttemptAt: Date;
  /** Consecutive failures including this one, to store and pass back on the next request. */
  failedAttempts: number;
  /** HTTP status, when the CA sent a response. */
  status?: number;
}

export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

export const MIN_RETRY_AFTER_MS = MINUTE_MS;
export const MAX_RETRY_AFTER_MS = DAY_MS;
/** Used when the CA sends no Retry-After: often enough to see a moved window within a 6-day lifetime. */
export const DEFAULT_RETRY_AFTER_MS = 6 * HOUR_MS;
export const FIRST_BACKOFF_MS = MINUTE_MS;
export const MAX_BACKOFF_MS = 6 * HOUR_MS;
export const LASTING_FAILURE_RETRY_MS = 6 * HOUR_MS;

// Node reports a name that does not resolve as ENOTFOUND, and a resolver that does not respond as EAI_AGAIN.
const DNS_ERROR_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME', 'EAI_FAIL']);

// RFC 3339 date-time. Fractional seconds may have up to nine digits, as Go's time.Time JSON encoding emits.
const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

export interface FetchRenewalInfoOptions {
  /** Consecutive failures stored from earlier requests; sets the backoff of a new temporary failure. */
  failedAttempts?: number;
}

/**
 * Sends the unauthenticated `GET {renewalInfoUrl}/{certId}` of RFC 9773 section 4.2 and
 * classifies the outcome. Network and CA failures come back as a {@link RenewalInfoFailure}
 * with the time of the next attempt. It throws a CertIdError only for a malformed certId.
 */
export async function fetchRenewalInfo(
  http: HttpClient,
  renewalInfoUrl: string,
  certId: string,
  now: Date,
  options: FetchRenewalInfoOptions = {},
): Promise<RenewalInfoResult> {
  parseCertId(certId);
  const url = `${renewalInfoUrl.replace(/\/+$/, '')}/${certId}`;
  const failedAttempts = options.failedAttempts ?? 0;

  let response: HttpResponse;
  try {
    response = await http.get(url, { accept: 'application/json' });
  } catch (error) {
    return requestFailure(url, error, now, failedAttempts);
  }

  if (response.status !== 200) {
    return statusFailure(url, response, now, failedAttempts);
  }
  const parsed = parseRenewalInfo(response.body);
  if (typeof parsed === 'string') {
    return failure(
      `renewalInfo ${url} returned an invalid answer: ${parsed}.`,
      true,
      now,
      failedAttempts,
      200,
    );
  }
  return {
    ok: true,
    ...parsed,
    retryAfter:
      retryAfterTime(response.headers['retry-after'], now) ??
      new Date(now.getTime() + DEFAULT_RETRY_AFTER_MS),
  };
}

/**
 * Reads `Retry-After` as delay seconds or an HTTP date (RFC 9110 section 10.2.3) and
 * clamps it to [1 minute, 1 day] from `now`. Returns undefined when absent or unparsable.
 */
export function retryAfterTime(header: string | undefined, now: Date): Date | undefined {
  if (header === undefined) return undefined;

  const text = header.trim();
  let delayMs: number;
  if (/^\d+$/.test(text)) {
    delayMs = Number(text) * 1000;
  } else {
    const date = Date.parse(text);
    if (Number.isNaN(date) || !/[a-z]/i.test(text)) return undefined;
    delayMs = date - now.getTime();
  }
  const clamped = Math.min(Math.max(delayMs, MIN_RETRY_AFTER_MS), MAX_RETRY_AFTER_MS);
  return new Date(now.getTime() + clamped);
}

/** Delay after the n-th consecutive temporary failure: 1 minute, doubling, at most 6 hours. */
export function backoffDelayMs(failedAttempts: number): number {
  const exponent = Math.min(Math.max(failedAttempts, 0), 30);
  return Math.min(FIRST_BACKOFF_MS * 2 ** exponent, MAX_BACKOFF_MS);
}

/** Parses an RFC 3339 timestamp, keeping millisecond precision. Returns undefined when invalid. */
export function parseRfc3339(text: string): Date | undefined {
  const match = RFC3339.exec(text);
  if (!match) return undefined;

  const [
    ,
    year,
    month,
    day,
    hours,
    minutes,
    seconds,
    fraction,
    zulu,
    sign,
    offsetHours,
    offsetMinutes,
  ] = match;
  const milliseconds = Number((fraction ?? '').padEnd(3, '0').slice(0, 3));
  let time = Date.UTC(
    Number(year),
    Number(month) - 1,
    Number(day),
    Number(hours),
    Number(minutes),
    Number(seconds),
    milliseconds,
  );
  const date = new Date(time);
  // Date.UTC rolls 31 February over into March, so a changed day or month means no such date.
  if (
    date.getUTCDate() !== Number(day) ||
    date.getUTCMonth() !== Number(month) - 1 ||
    Number(hours) > 23 ||
    Number(minutes) > 59 ||
    Number(seconds) > 60
  ) {
    return undefined;
  }
  if (!zulu) {
    const offsetMs = (Number(offsetHours) * 60 + Number(offsetMinutes)) * MINUTE_MS;
    time += sign === '+' ? -offsetMs : offsetMs;
  }
  return new Date(time);
}

/** Returns the window and explanation URL, or a string saying what is wrong with the body. */
function parseRenewalInfo(body: string): Omit<RenewalInfoAnswer, 'ok' | 'retryAfter'> | string {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return 'the body is not JSON';
  }
  if (typeof json !== 'object' || json === null) return 'the body is not a JSON object';

  const { suggestedWindow, explanationURL } = json as {
    suggestedWindow?: unknown;
    explanationURL?: unknown;
  };
  if (typeof suggestedWindow !== 'object' || suggestedWindow === null)
    return 'suggestedWindow is missing';
  const { start, end } = suggestedWindow as { start?: unknown; end?: unknown };
  const startTime = typeof start === 'string' ? parseRfc3339(start) : undefined;
  const endTime = typeof end === 'string' ? parseRfc3339(end) : undefined;
  if (!startTime || !endTime) {
    return `suggestedWindow start ${JSON.stringify(start)} or end ${JSON.stringify(end)} is not an RFC 3339 time`;
  }
  // RFC 9773 section 4.2: a window whose end is not after its start is invalid.
  if (endTime.getTime() <= startTime.getTime()) {
    return `suggestedWindow end ${end} is not after start ${start}`;
  }

  const answer: Omit<RenewalInfoAnswer, 'ok' | 'retryAfter'> = {
    suggestedWindow: { start: startTime, end: endTime },
  };
  if (typeof explanationURL === 'string' && explanationURL !== '')
    answer.explanationUrl = explanationURL;
  return answer;
}

function requestFailure(
  url: string,
  error: unknown,
  now: Date,
  failedAttempts: number,
): RenewalInfoFailure {
  const code = error instanceof HttpRequestError ? error.code : '';
  const reason = error instanceof Error ? error.message : String(error);
  if (DNS_ERROR_CODES.has(code)) {
    return failure(
      `renewalInfo ${url}: the host name does not resolve (${reason}).`,
      true,
      now,
      failedAttempts,
    );
  }
  if (code === 'EINVALIDURL') {
    return failure(`renewalInfo URL is invalid: ${reason}`, true, now, failedAttempts);
  }
  return failure(`renewalInfo request failed: ${reason}`, false, now, failedAttempts);
}

function statusFailure(
  url: string,
  response: HttpResponse,
  now: Date,
  failedAttempts: number,
): RenewalInfoFailure {
  const problem = describeProblem(response.body);
  const message = `renewalInfo ${url} returned HTTP ${response.status}${problem}.`;
  const temporary = response.status === 429 || response.status >= 500;
  const result = failure(message, !temporary, now, failedAttempts, response.status);

  // The CA's own Retry-After wins when it is longer than the backoff.
  const retryAfter = temporary ? retryAfterTime(response.headers['retry-after'], now) : undefined;
  if (retryAfter && retryAfter.getTime() > result.nextAttemptAt.getTime())
    result.nextAttemptAt = retryAfter;
  return result;
}

/** Formats an RFC 7807 problem document as `: type: detail`, or nothing when the body is not one. */
function describeProblem(body: string): string {
  try {
    const problem = JSON.parse(body) as { type?: unknown; detail?: unknown };
    const parts = [problem.type, problem.detail].filter((part) => typeof part === 'string');
    return parts.length > 0 ? `: ${parts.join(': ')}` : '';
  } catch {
    return '';
  }
}

function failure(
  message: string,
  lasting: boolean,
  now: Date,
  failedAttempts: number,
  status?: number,
): RenewalInfoFailure {
  const delayMs = lasting ? LASTING_FAILURE_RETRY_MS : backoffDelayMs(failedAttempts);
  const result: RenewalInfoFailure = {
    ok: false,
    lasting,
    message,
    nextAttemptAt: new Date(now.getTime() + delayMs),
    failedAttempts: failedAttempts + 1,
  };
  if (status !== undefined) result.status = status;
  return result;
}
