/** A CA the manifest can name instead of giving its directory URL. */
export interface CaPreset {
  directoryUrl: string;
  /** True when the CA requires external account binding (RFC 8555 section 7.3.4). */
  externalAccountBinding: boolean;
}

/** Directory URLs of the CAs that the manifest accepts by name. */
export const CA_PRESETS: Readonly<Record<string, CaPreset>> = Object.freeze({
  letsencrypt: {
    directoryUrl: 'https://acme-v02.api.letsencrypt.org/directory',
    externalAccountBinding: false,
  },
  'letsencrypt-staging': {
    directoryUrl: 'https://acme-staging-v02.api.letsencrypt.org/directory',
    externalAccountBinding: false,
  },
  zerossl: { directoryUrl: 'https://acme.zerossl.com/v2/DV90', externalAccountBinding: true },
  google: {
    directoryUrl: 'https://dv.acme-v02.api.pki.goog/directory',
    externalAccountBinding: true,
  },
  'google-staging': {
    directoryUrl: 'https://dv.acme-v02.test-api.pki.goog/directory',
    externalAccountBinding: true,
  },
  buypass: {
    directoryUrl: 'https://api.buypass.com/acme/directory',
    externalAccountBinding: false,
  },
  'buypass-staging': {
    directoryUrl: 'https://api.test4.buypass.no/acme/directory',
    externalAccountBinding: false,
  },
});

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * Checks a directory URL and returns the reason it is rejected, or undefined when it
 * is usable. Plain http is allowed only on loopback, where a local test CA such as
 * Pebble runs; anywhere else it would expose the account's requests.
 */
export function checkDirectoryUrl(text: string): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return `\`${text}\` is neither a CA preset nor a URL`;
  }

  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname)) return undefined;
  if (url.protocol === 'http:') {
    return `the directory URL \`${text}\` uses http, which is allowed only for 127.0.0.1, localhost and ::1: use https`;
  }
  return `the directory URL \`${text}\` must use https`;
}
