import { isIP } from 'node:net';
import { domainToASCII } from 'node:url';

/** A normalized value, or the reason the input was rejected. */
export type Normalized = { value: string } | { error: string };

const MAX_NAME_LENGTH = 253;
const MAX_LABEL_LENGTH = 63;
const NON_ASCII = /[^\p{ASCII}]/u;

interface NameRules {
  /** True for zone and alias names, which may contain `_acme-challenge`-style labels, unlike certificate names. */
  allowUnderscore: boolean;
}

/**
 * Normalizes one certificate identifier: a DNS name (lower case, A-labels, no trailing
 * dot) or a wildcard `*.<name>`. IP addresses are rejected here, because RFC 8738
 * section 4 validates IP identifiers only by http-01 and tls-alpn-01, and this product
 * validates with DNS-01 alone: an order for one would fail after it was placed.
 */
export function normalizeIdentifier(input: string): Normalized {
  const blank = rejectBlank(input);
  if (blank) return blank;

  const address = normalizeIpAddress(input);
  if (address && 'error' in address) return address;
  if (address) {
    return {
      error:
        `\`${address.value}\` is an IP address. CAs validate IP addresses only with http-01 or tls-alpn-01 ` +
        '(RFC 8738 section 4), and acme-lineage validates with DNS-01, so remove it from `domains` ' +
        'and issue it with a client that serves http-01',
    };
  }

  const name = input.endsWith('.') ? input.slice(0, -1) : input;
  if (!name.includes('*')) return normalizeName(name, { allowUnderscore: false });

  if (!name.startsWith('*.')) {
    return { error: 'a wildcard must be the whole leftmost label, as in `*.example.com`' };
  }
  const base = name.slice(2);
  if (base.includes('*')) {
    return {
      error: 'only one wildcard is allowed, and only as the leftmost label (`*.example.com`)',
    };
  }
  if (isIP(base) !== 0) return { error: 'a wildcard cannot cover an IP address' };

  const normalized = normalizeName(base, { allowUnderscore: false });
  if ('error' in normalized) return normalized;
  const full = `*.${normalized.value}`;
  if (full.length > MAX_NAME_LENGTH) return tooLong(full);
  return { value: full };
}

/** Normalizes a zone or CNAME target: like a certificate name, but without wildcards and with `_` allowed. */
export function normalizeDnsName(input: string): Normalized {
  const blank = rejectBlank(input);
  if (blank) return blank;
  if (isIP(input) !== 0) return { error: 'expected a DNS name, not an IP address' };

  const name = input.endsWith('.') ? input.slice(0, -1) : input;
  return normalizeName(name, { allowUnderscore: true });
}

/**
 * Normalizes a nameserver given as `host`, `host:port`, `IPv6` or `[IPv6]:port`.
 * The result keeps the port when one was given and brackets IPv6 addresses only then.
 */
export function normalizeNameserver(input: string): Normalized {
  const blank = rejectBlank(input);
  if (blank) return blank;
  if (isIP(input) !== 0) return normalizeIpAddress(input) ?? { value: input };

  const { host, port, bracketed } = splitHostPort(input);
  let normalizedHost = normalizeIpAddress(host);
  if (normalizedHost === undefined && bracketed)
    return { error: `\`${host}\` is not an IPv6 address` };
  normalizedHost ??= normalizeName(host, { allowUnderscore: false });
  if ('error' in normalizedHost) return normalizedHost;
  if (port === undefined) return normalizedHost;

  if (!/^[0-9]{1,5}$/.test(port) || Number(port) < 1 || Number(port) > 65535) {
    return { error: `port \`${port}\` is not a number from 1 to 65535` };
  }
  const hostPart =
    isIP(normalizedHost.value) === 6 ? `[${normalizedHost.value}]` : normalizedHost.value;
  return { value: `${hostPart}:${Number(port)}` };
}

/** Splits `[host]:port`, `[host]`, `host:port` or `host`. The port is undefined when absent. */
function splitHostPort(input: string): { host: string; port?: string; bracketed: boolean } {
  const bracketed = /^\[([^\]]+)\](?::(.*))?$/.exec(input);
  if (bracketed) return { host: bracketed[1]!, port: bracketed[2], bracketed: true };

  const colon = input.lastIndexOf(':');
  if (colon === -1) return { host: input, bracketed: false };
  return { host: input.slice(0, colon), port: input.slice(colon + 1), bracketed: false };
}

function rejectBlank(input: string): Normalized | undefined {
  if (input === '') return { error: 'the name is empty' };
  if (/\s/.test(input)) return { error: 'a name cannot contain white space' };
  return undefined;
}

/**
 * Returns IPv4 as is and IPv6 in the compressed lower-case form of RFC 5952, an error
 * for an IPv6 zone index, and undefined for anything that is not an IP address.
 */
function normalizeIpAddress(input: string): Normalized | undefined {
  const version = isIP(input);
  if (version === 4) return { value: input };
  if (version !== 6) return undefined;

  if (input.includes('%')) return { error: 'an IPv6 address cannot carry a zone index (`%...`)' };
  // The WHATWG URL serializer compresses the longest run of zero groups and lower-cases,
  // which is the canonical text form of RFC 5952 section 4.
  // NOTE: IPv4-mapped addresses come out in hex (`::ffff:102:304`), not in dotted form.
  const hostname = new URL(`http://[${input}]/`).hostname;
  return { value: hostname.slice(1, -1) };
}

function normalizeName(name: string, rules: NameRules): Normalized {
  if (name === '') return { error: 'the name is empty' };

  let ascii = name.toLowerCase();
  if (NON_ASCII.test(name)) {
    ascii = domainToASCII(name);
    if (ascii === '')
      return {
        error: 'not a valid internationalized domain name (IDNA conversion to A-labels failed)',
      };
  }

  const labels = ascii.split('.');
  for (const label of labels) {
    const problem = checkLabel(label, rules);
    if (problem) return { error: problem };
  }
  if (/^[0-9]+$/.test(labels[labels.length - 1]!)) {
    return {
      error:
        'the last label is all digits, which no top-level domain is (an IPv4 address needs four numbers)',
    };
  }
  if (ascii.length > MAX_NAME_LENGTH) return tooLong(ascii);

  // A label starting `xn--` must decode as Punycode, and the URL host parser returns '' when it does not.
  if (ascii.includes('xn--') && domainToASCII(ascii) === '') {
    return { error: 'an `xn--` label is not valid Punycode' };
  }
  return { value: ascii };
}

function checkLabel(label: string, rules: NameRules): string | undefined {
  if (label === '') return 'the name has an empty label (two dots in a row, or a leading dot)';
  if (label.length > MAX_LABEL_LENGTH) {
    return `the label \`${label.slice(0, 20)}...\` has ${label.length} characters, more than the maximum of ${MAX_LABEL_LENGTH}`;
  }

  const allowed = rules.allowUnderscore ? /^[a-z0-9_-]+$/ : /^[a-z0-9-]+$/;
  if (!allowed.test(label)) {
    const extra = rules.allowUnderscore ? ', underscores' : '';
    return `the label \`${label}\` contains characters other than letters, digits${extra} and hyphens`;
  }
  if (label.startsWith('-') || label.endsWith('-')) {
    return `the label \`${label}\` starts or ends with a hyphen`;
  }
  // RFC 5891 section 4.2.3.1: hyphens in positions 3 and 4 are reserved for A-labels (`xn--`).
  if (label.slice(2, 4) === '--' && !label.startsWith('xn--')) {
    return `the label \`${label}\` has hyphens in positions 3 and 4, which are reserved for \`xn--\` A-labels`;
  }
  return undefined;
}

function tooLong(name: string): Normalized {
  return {
    error: `the name has ${name.length} characters, more than the maximum of ${MAX_NAME_LENGTH}`,
  };
}
