import { shortProblemType, type ProblemDocument } from './problem.js';

/**
 * Reasons a CA rejects the `replaces` field of newOrder (RFC 9773). Each
 * one is fixed by ordering without `replaces`, but each has a different cause to
 * explain to the operator.
 */
export type RefusalKind =
  | 'already-replaced' // another order already names the same certificate
  | 'account-changed' // the certificate was ordered by another ACME account
  | 'ca-changed' // the CA does not know the certificate's issuer or serial
  | 'replaces-unsupported'; // the CA rejects the field itself

/** The parts of an RFC 7807 problem document that classification reads. */
export type AcmeProblem = Pick<ProblemDocument, 'status' | 'type' | 'detail'>;

// Boulder and Pebble: `... which already has a replacement order`. Other CAs word it
// as "already been replaced".
const ALREADY_REPLACED_DETAIL = /already has a replacement order|already been replaced/i;

// Boulder and Pebble: "requester account did not request the certificate being
// replaced by this order". A certID built from a wrong serial can also read as a
// certificate that "does not belong to this account".
const ACCOUNT_DETAIL = /did not request the certificate|requester account|belong to this account/i;

// Boulder: an Authority Key Identifier that matches none of its issuers, or a serial
// it never issued. Pebble reports the unknown serial as serverInternal.
const CA_DETAIL = /authority key identifier|\baki\b|issuer|serial|certificate .*not found/i;

// Pebble 2.10: "parsing ARI CertID failed: ... no known issuer matches the provided
// Authority Key Identifier".
const UNKNOWN_ISSUER_DETAIL = /authority key identifier|\bissuer\b/i;

const MENTIONS_REPLACES = /replace|\bcertid\b/i;

/**
 * Classifies the problem document of a newOrder request that carried `replaces`.
 * Returns null when the rejection has nothing to do with `replaces` (rate limits,
 * bad nonces, server errors), so the caller handles it like any failed order.
 *
 * Servers disagree on the shape of the same refusal: RFC 9773 and Pebble 2.10 send
 * 409 alreadyReplaced, Boulder from 2024-03 to 2025-03 sent 409 conflict, Pebble 2.6
 * to 2.9 409 malformed, and some other CAs 400 malformed. The type may come with or
 * without the `urn:ietf:params:acme:error:` prefix.
 */
export function classifyReplacesRefusal(problem: AcmeProblem): RefusalKind | null {
  const type = shortProblemType(problem.type) ?? '';
  const detail = problem.detail ?? '';

  if (ALREADY_REPLACED_DETAIL.test(detail)) return 'already-replaced';
  if (problem.status === 409) return classifyConflict(type, detail);
  if (problem.status === 403 && type === 'unauthorized' && ACCOUNT_DETAIL.test(detail)) {
    return 'account-changed';
  }
  if (problem.status === 404 && (type === 'malformed' || type === 'notFound')) {
    return CA_DETAIL.test(detail) || detail === '' ? 'ca-changed' : null;
  }
  if (problem.status === 500 && type === 'serverInternal' && isUnknownSerial(detail)) {
    return 'ca-changed';
  }
  if (problem.status === 400 && type === 'malformed') return classifyMalformed(detail);
  return null;
}

function classifyConflict(type: string, detail: string): RefusalKind | null {
  if (type === 'alreadyReplaced') return 'already-replaced';

  // newOrder has no other documented 409, so a conflict without a detail is taken as
  // the old Boulder form. A conflict whose detail is about something else (a key
  // already in use, say) is not a refusal of `replaces`.
  const oldForm = type === 'conflict' || type === 'malformed';
  if (oldForm && (detail === '' || MENTIONS_REPLACES.test(detail))) return 'already-replaced';
  return null;
}

function classifyMalformed(detail: string): RefusalKind | null {
  if (UNKNOWN_ISSUER_DETAIL.test(detail)) return 'ca-changed';
  return MENTIONS_REPLACES.test(detail) ? 'replaces-unsupported' : null;
}

// Pebble answers 500 serverInternal when it finds no certificate for the serial in
// `replaces`, for example a serial whose leading 0x00 sign byte it does not strip.
// Other 500s are real server failures and must not disable `replaces`.
function isUnknownSerial(detail: string): boolean {
  return /(could not find|not found|no such|unknown)\b.*\b(serial|certificate)/i.test(detail);
}
