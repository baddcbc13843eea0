import { domainToASCII } from 'node:url';

/** Raised when a DNS name cannot be used, with the name and the reason in the message. */
export class InvalidDnsNameError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidDnsNameError';
  }
}

const MAX_NAME_LENGTH = 253;
const MAX_LABEL_LENGTH = 63;
// Letters, digits and hyphens (RFC 1123), plus the underscore that service labels
// such as `_acme-challenge` use (RFC 8552).
const LABEL_PATTERN = /^[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?$/;

/**
 * Normalizes a DNS name to the one form the project uses everywhere: lower case,
 * A-labels for internationalized names, no trailing dot. A leading `*.` label is kept.
 * Throws InvalidDnsNameError naming the input when the result is not a valid name.
 */
export function normalizeDnsName(input: string): string {
  const trimmed = input.trim();
  const withoutRoot = trimmed.endsWith('.') ? trimmed.slice(0, -1) : trimmed;
  if (withoutRoot === '') {
    throw new InvalidDnsNameError(`Invalid DNS name '${input}': the name is empty.`);
  }

  const ascii = domainToASCII(withoutRoot);
  if (ascii === '') {
    throw new InvalidDnsNameError(
      `Invalid DNS name '${input}': it contains characters that no host name may contain.`,
    );
  }

  validateAsciiName(ascii, input);
  return ascii;
}

function validateAsciiName(name: string, input: string): void {
  if (name.length > MAX_NAME_LENGTH) {
    throw new InvalidDnsNameError(
      `Invalid DNS name '${input}': it is ${name.length} characters long, the maximum is ${MAX_NAME_LENGTH}.`,
    );
  }

  const labels = name.split('.');
  labels.forEach((label, index) => {
    if (label === '*' && index === 0) return;
    if (label === '') {
      throw new InvalidDnsNameError(`Invalid DNS name '${input}': it contains an empty label.`);
    }
    if (label.length > MAX_LABEL_LENGTH) {
      throw new InvalidDnsNameError(
        `Invalid DNS name '${input}': label '${label}' is ${label.length} characters long, the maximum is ${MAX_LABEL_LENGTH}.`,
      );
    }
    if (!LABEL_PATTERN.test(label)) {
      throw new InvalidDnsNameError(
        `Invalid DNS name '${input}': label '${label}' may contain only letters, digits, '-' and '_', and may not start or end with '-'.`,
      );
    }
  });
}

/** Returns the owner name of the DNS-01 TXT record for `domain` (RFC 8555 section 8.4); a wildcard uses its base name. */
export function challengeName(domain: string): string {
  const normalized = normalizeDnsName(domain);
  const base = normalized.startsWith('*.') ? normalized.slice(2) : normalized;
  return `_acme-challenge.${base}`;
}

/** Returns true when `name` equals `zone` or lies below it; both must be normalized. */
export function isInZone(name: string, zone: string): boolean {
  return name === zone || name.endsWith(`.${zone}`);
}

/** Returns the name one label up, or undefined for a single-label name. */
export function parentName(name: string): string | undefined {
  const dot = name.indexOf('.');
  return dot === -1 ? undefined : name.slice(dot + 1);
}
