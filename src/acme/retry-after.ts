/**
 * Parses a Retry-After header (RFC 9110 section 10.2.3): either delay-seconds or an
 * HTTP-date. Returns the delay in milliseconds from `now`, or undefined when the header
 * is missing or invalid. A date in the past gives 0.
 */
export function parseRetryAfter(
  header: string | undefined,
  now: Date = new Date(),
): number | undefined {
  if (header === undefined) return undefined;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;

  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now.getTime());
}
