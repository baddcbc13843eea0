import { InvalidDnsNameError, isInZone, normalizeDnsName } from '../../names.js';
import { ProviderError } from './errors.js';

/**
 * Normalizes a DNS name (lower case A-labels, no trailing dot), the form every
 * provider in this folder compares names in. Each provider converts from this form
 * to its API's own form in one function.
 */
export const normalizeName = normalizeDnsName;

/** Normalizes the owner name of a challenge record, prefixing an invalid-name error with the provider id. */
export function normalizeRecordName(provider: string, name: string): string {
  try {
    return normalizeDnsName(name);
  } catch (error) {
    if (error instanceof InvalidDnsNameError)
      throw new ProviderError(provider, error.message, { cause: error });
    throw error;
  }
}

/** Returns `name` relative to `zone`, with `@` for the apex (the form Alibaba, Tencent and Azure use). */
export function relativeName(name: string, zone: string): string {
  if (name === zone) return '@';
  return name.slice(0, name.length - zone.length - 1);
}

/** Returns the absolute form with the trailing dot (the form Route 53 and Google use). */
export function absoluteName(name: string): string {
  return `${name}.`;
}

/**
 * Picks the longest zone that contains `name` from every zone the credentials can
 * see, so `a.b.example.com` goes to a delegated `b.example.com` before `example.com`.
 */
export function pickLongestZone<T>(
  name: string,
  zones: readonly T[],
  zoneName: (zone: T) => string,
): T | undefined {
  let best: T | undefined;
  let bestLength = -1;
  for (const zone of zones) {
    const candidate = normalizeName(zoneName(zone));
    if (isInZone(name, candidate) && candidate.length > bestLength) {
      best = zone;
      bestLength = candidate.length;
    }
  }
  return best;
}
