import type { DnsSettings } from '../../manifest/types.js';
import { EnvironmentError, readEnv } from '../../env.js';
import { DnsClientError, parseServerAddress, DEFAULT_DNS_TIMEOUT_MS } from '../client.js';
import { InvalidDnsNameError, normalizeDnsName } from '../names.js';
import { parseTsigAlgorithm, TSIG_ALGORITHMS, type TsigKey } from './tsig.js';

/** Raised for every RFC 2136 provider failure; the message starts with `rfc2136:`. */
export class Rfc2136Error extends Error {
  constructor(message: string) {
    super(`rfc2136: ${message}`);
    this.name = 'Rfc2136Error';
  }
}

export interface Rfc2136Config {
  /** Primary server of the zone that accepts updates, `host:port`. */
  nameserver: string;
  key: TsigKey;
  /** Zone from the manifest; found by SOA lookup at `nameserver` when undefined. */
  zone?: string;
  /** TTL of the TXT records added, in seconds. */
  ttl: number;
  /** Time to wait for one DNS response, in milliseconds. */
  dnsTimeoutMs: number;
  propagationTimeoutMs?: number;
}

/** Environment prefixes, in order: this project's own, then lego's `DNSUPDATE_` names. */
export const RFC2136_ENV_PREFIXES = ['RFC2136_', 'DNSUPDATE_'] as const;

/** Manifest options the provider reads; secrets are accepted only from the environment. */
export const RFC2136_OPTIONS = ['nameserver', 'tsig-key-name', 'tsig-algorithm', 'ttl'] as const;

const DEFAULT_TTL_SECONDS = 60;

function readPrefixedEnv(env: NodeJS.ProcessEnv, suffix: string): string | undefined {
  for (const prefix of RFC2136_ENV_PREFIXES) {
    let value: string | undefined;
    try {
      value = readEnv(env, `${prefix}${suffix}`);
    } catch (error) {
      if (error instanceof EnvironmentError) throw new Rfc2136Error(error.message);
      throw error;
    }
    if (value !== undefined) return value;
  }
  return undefined;
}

function missing(suffix: string, purpose: string): Rfc2136Error {
  return new Rfc2136Error(
    `missing RFC2136_${suffix} (or RFC2136_${suffix}_FILE, or DNSUPDATE_${suffix}): ${purpose}. Set it in the environment of the step.`,
  );
}

function readSeconds(env: NodeJS.ProcessEnv, suffix: string, option?: string): number | undefined {
  const text = option ?? readPrefixedEnv(env, suffix);
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || value <= 0) {
    throw new Rfc2136Error(
      `invalid ${suffix.toLowerCase()} '${text}': expected a whole number of seconds greater than 0.`,
    );
  }
  return value;
}

function readSecret(env: NodeJS.ProcessEnv): Buffer {
  const text = readPrefixedEnv(env, 'TSIG_SECRET');
  if (text === undefined)
    throw missing('TSIG_SECRET', 'the base64 secret of the TSIG key that signs updates');

  const compact = text.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(compact) || compact.length % 4 !== 0) {
    throw new Rfc2136Error(
      'RFC2136_TSIG_SECRET is not valid base64. Copy the secret line of the key that tsig-keygen printed, without quotes.',
    );
  }
  return Buffer.from(compact, 'base64');
}

function readKey(settings: DnsSettings, env: NodeJS.ProcessEnv): TsigKey {
  const keyName = settings.options['tsig-key-name'] ?? readPrefixedEnv(env, 'TSIG_KEY');
  if (keyName === undefined)
    throw missing(
      'TSIG_KEY',
      'the name of the TSIG key that signs updates, for example acme-update',
    );

  const algorithmText =
    settings.options['tsig-algorithm'] ?? readPrefixedEnv(env, 'TSIG_ALGORITHM') ?? 'hmac-sha256';
  const algorithm = parseTsigAlgorithm(algorithmText);
  if (!algorithm) {
    throw new Rfc2136Error(
      `unsupported TSIG algorithm '${algorithmText}'. Use one of ${Object.keys(TSIG_ALGORITHMS).join(', ')}.`,
    );
  }

  try {
    return { name: normalizeDnsName(keyName), algorithm, secret: readSecret(env) };
  } catch (error) {
    if (error instanceof InvalidDnsNameError)
      throw new Rfc2136Error(`invalid TSIG key name: ${error.message}`);
    throw error;
  }
}

function readNameserver(settings: DnsSettings, env: NodeJS.ProcessEnv): string {
  const nameserver = settings.options.nameserver ?? readPrefixedEnv(env, 'NAMESERVER');
  if (nameserver === undefined) {
    throw missing(
      'NAMESERVER',
      "the address (host:port) of the zone's primary server that accepts updates",
    );
  }
  try {
    parseServerAddress(nameserver);
  } catch (error) {
    if (error instanceof DnsClientError) throw new Rfc2136Error(error.message);
    throw error;
  }
  return nameserver;
}

/**
 * Reads the provider's settings: non-secret values from the manifest options first,
 * then the environment (`RFC2136_*`, each also as `*_FILE`, then `DNSUPDATE_*`).
 * Throws Rfc2136Error naming the missing or invalid setting.
 */
export function readRfc2136Config(settings: DnsSettings, env: NodeJS.ProcessEnv): Rfc2136Config {
  const unknown = Object.keys(settings.options).filter(
    (key) => !(RFC2136_OPTIONS as readonly string[]).includes(key),
  );
  if (unknown.length > 0) {
    throw new Rfc2136Error(
      `unknown option ${unknown.map((key) => `'${key}'`).join(', ')} in the manifest. Known options: ${RFC2136_OPTIONS.join(', ')}. ` +
        'Secrets such as the TSIG secret belong in the environment (RFC2136_TSIG_SECRET).',
    );
  }

  const propagationSeconds = readSeconds(env, 'PROPAGATION_TIMEOUT');
  return {
    nameserver: readNameserver(settings, env),
    key: readKey(settings, env),
    zone: settings.zone === undefined ? undefined : normalizeDnsName(settings.zone),
    ttl: readSeconds(env, 'TTL', settings.options.ttl) ?? DEFAULT_TTL_SECONDS,
    dnsTimeoutMs: (readSeconds(env, 'DNS_TIMEOUT') ?? DEFAULT_DNS_TIMEOUT_MS / 1000) * 1000,
    propagationTimeoutMs: propagationSeconds === undefined ? undefined : propagationSeconds * 1000,
  };
}
