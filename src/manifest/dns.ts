import { isScalar, type Node } from 'yaml';

import { KNOWN_DNS_PROVIDERS } from './dns-providers.js';
import { normalizeDnsName, normalizeNameserver } from './domains.js';
import { describe, isNull, type Entry, type ManifestReader } from './reader.js';
import { closestMatch, didYouMean, toKebabCase } from './suggest.js';
import type { DnsSettings } from './types.js';

const ALIAS_DNS_KEY = 'challenge-alias-dns';
/** Keys of a `dns` map that the manifest itself reads. Every other key is a provider option. */
const DNS_KEYS = ['provider', 'zone', 'nameservers', 'challenge-alias', ALIAS_DNS_KEY] as const;
/** Keys of a `challenge-alias-dns` map that the manifest itself reads. */
const ALIAS_DNS_KEYS = ['provider', 'zone', 'nameservers'] as const;
/** `dns` keys that mean nothing inside `challenge-alias-dns`, which describes the target only. */
const OUTER_ONLY_KEYS = ['challenge-alias', ALIAS_DNS_KEY];

/**
 * DNS settings that one level (defaults or a certificate) sets. `null` unsets an
 * inherited value, and undefined means the level does not mention the key.
 */
export interface DnsLayer {
  provider?: string;
  zone?: string | null;
  nameservers?: string[] | null;
  challengeAlias?: string | null;
  /** The `challenge-alias-dns` block, or null when this level unsets an inherited one. */
  aliasDns?: DnsLayer | null;
  options: Record<string, string | null>;
  /** True when `dns` or its provider was given but invalid, which was reported already. */
  invalid: boolean;
  /** The map this layer was read from, where a missing provider is reported. */
  node?: Node;
  path?: string;
  /** The layer that set `node`: the certificate's block, or the one in defaults it inherits. */
  origin?: DnsLayer;
}

/** Context of a `dns` or `challenge-alias-dns` map being read: its level and what it inherits. */
interface DnsBlock {
  /** True inside `challenge-alias-dns`. */
  nested: boolean;
  /** The provider in effect, which names the environment variable for a credential found in the manifest. */
  provider: string | undefined;
  /** The same block in defaults, when reading a certificate's. */
  inherited: DnsLayer | undefined;
}

// Provider options that are not misspellings although they are close to a DNS key:
// rfc2136 sends its updates to `nameserver`, a different server from the `nameservers` checked for propagation.
const OPTIONS_NEAR_DNS_KEYS = ['nameserver'];
// Option names that hold an identifier rather than the credential itself.
const IDENTIFIER_SUFFIXES = ['-name', '-id'];
const SECRET_WORDS = ['secret', 'token', 'password', 'passphrase'];
// The variable each DNS provider reads its main secret from, each also accepted as NAME_FILE.
// NOTE: copied from the providers in src/dns, so a renamed variable there must change here too.
const CREDENTIAL_VARIABLES: Readonly<Record<string, string>> = {
  rfc2136: 'RFC2136_TSIG_SECRET',
  cloudflare: 'CLOUDFLARE_DNS_API_TOKEN',
  route53: 'AWS_SECRET_ACCESS_KEY',
  alidns: 'ALICLOUD_SECRET_KEY',
  tencentcloud: 'TENCENTCLOUD_SECRET_KEY',
  gcloud: 'GCE_SERVICE_ACCOUNT',
  azure: 'AZURE_CLIENT_SECRET',
};
const KEBAB_CASE = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/**
 * Reads one level's `dns` map, or with `nested` its `challenge-alias-dns` map.
 * `inherited` is the same map from defaults: its provider names the environment
 * variable when a credential appears in the manifest.
 */
export function readDnsLayer(
  reader: ManifestReader,
  node: Node,
  path: string,
  inherited?: DnsLayer,
  nested = false,
): DnsLayer {
  const layer: DnsLayer = { options: {}, invalid: false, node, path };
  layer.origin = layer;
  const expected = nested ? 'the DNS settings of the delegation target' : 'the DNS settings';
  const entries = reader.readMap(node, path, expected);
  if (entries === undefined) {
    layer.invalid = true;
    return layer;
  }

  const providerEntry = entries.find((entry) => entry.key === 'provider');
  const namedProvider =
    providerEntry && isScalar(providerEntry.value) ? providerEntry.value.value : undefined;
  const provider =
    typeof namedProvider === 'string' && KNOWN_DNS_PROVIDERS.includes(namedProvider)
      ? namedProvider
      : inherited?.provider;

  const block: DnsBlock = { nested, provider, inherited };
  for (const entry of entries) {
    readDnsEntry(reader, entry, layer, block);
  }
  return layer;
}

/**
 * Merges a certificate's `dns` over the defaults key by key. Provider options are
 * inherited only when the certificate keeps the default provider, because an option
 * means something to one provider only.
 */
export function mergeDnsLayers(
  defaults: DnsLayer | undefined,
  certificate: DnsLayer | undefined,
): DnsLayer {
  const switchesProvider =
    certificate?.provider !== undefined && certificate.provider !== defaults?.provider;
  const inheritedOptions = switchesProvider ? {} : defaults?.options;
  const merged: DnsLayer = {
    options: { ...inheritedOptions, ...certificate?.options },
    invalid: Boolean(defaults?.invalid || certificate?.invalid),
  };
  const provider = certificate?.provider ?? defaults?.provider;
  if (provider !== undefined) merged.provider = provider;
  merged.zone = certificate?.zone !== undefined ? certificate.zone : defaults?.zone;
  merged.nameservers =
    certificate?.nameservers !== undefined ? certificate.nameservers : defaults?.nameservers;
  merged.challengeAlias =
    certificate?.challengeAlias !== undefined
      ? certificate.challengeAlias
      : defaults?.challengeAlias;
  merged.aliasDns = mergeAliasDns(defaults?.aliasDns, certificate?.aliasDns);

  const origin = certificate?.origin ?? defaults?.origin;
  if (origin?.node !== undefined) {
    merged.node = origin.node;
    merged.path = origin.path;
    merged.origin = origin;
  }
  return merged;
}

/** Merges `challenge-alias-dns` the way `dns` merges, where null in the certificate unsets the default. */
function mergeAliasDns(
  defaults: DnsLayer | null | undefined,
  certificate: DnsLayer | null | undefined,
): DnsLayer | null | undefined {
  if (certificate === null) return null;
  if (certificate === undefined && !defaults) return defaults;
  return mergeDnsLayers(defaults ?? undefined, certificate);
}

// Blocks in defaults already reported as lacking a provider, so each is reported once, not once per certificate.
const reportedWithoutProvider = new WeakSet<DnsLayer>();

/**
 * Reports a merged `challenge-alias-dns` without a provider, at the block that the
 * certificate gets it from. Returns false when the block is unusable.
 */
export function checkAliasDns(reader: ManifestReader, layer: DnsLayer): boolean {
  const alias = layer.aliasDns;
  if (!alias) return true;
  if (alias.invalid) return false;
  if (alias.provider !== undefined) return true;

  const origin = alias.origin ?? alias;
  if (reportedWithoutProvider.has(origin)) return false;
  reportedWithoutProvider.add(origin);

  const fromDefaults = origin.path?.startsWith('defaults.') ?? false;
  const where = fromDefaults ? reader.forCertificate(undefined) : reader;
  where.report(
    origin.node,
    origin.path,
    `missing \`provider\` in ${ALIAS_DNS_KEY}: name the DNS provider of the zone that \`_acme-challenge\` is delegated to, one of ${KNOWN_DNS_PROVIDERS.join(', ')}.`,
  );
  return false;
}

/** Converts a merged layer into settings, given the provider the caller checked is set. */
export function toDnsSettings(layer: DnsLayer, provider: string): DnsSettings {
  const options: Record<string, string> = {};
  for (const [key, value] of Object.entries(layer.options)) {
    if (value !== null) options[key] = value;
  }

  const settings: DnsSettings = { provider, options };
  if (layer.zone) settings.zone = layer.zone;
  if (layer.nameservers) settings.nameservers = layer.nameservers;
  if (layer.challengeAlias) settings.challengeAlias = layer.challengeAlias;
  if (layer.aliasDns?.provider)
    settings.aliasDns = toDnsSettings(layer.aliasDns, layer.aliasDns.provider);
  return settings;
}

function readDnsEntry(
  reader: ManifestReader,
  entry: Entry,
  layer: DnsLayer,
  block: DnsBlock,
): void {
  if (block.nested && OUTER_ONLY_KEYS.includes(entry.key)) {
    reader.report(
      entry.keyNode,
      entry.path,
      `\`${entry.key}\` cannot be set inside ${ALIAS_DNS_KEY}, which describes only the DNS of the delegation target: move it up into \`dns\`.`,
    );
    return;
  }

  switch (entry.key) {
    case 'provider':
      readProvider(reader, entry, layer);
      return;
    case 'zone':
      layer.zone = readName(
        reader,
        entry,
        'the zone to write challenge records in, such as `example.com`',
      );
      return;
    case 'challenge-alias':
      layer.challengeAlias = readName(
        reader,
        entry,
        'the name `_acme-challenge` is delegated to by CNAME',
      );
      return;
    case 'nameservers':
      layer.nameservers = readNameservers(reader, entry);
      return;
    case ALIAS_DNS_KEY:
      layer.aliasDns = readAliasDns(reader, entry, block);
      return;
    default:
      readProviderOption(reader, entry, layer, block);
  }
}

function readAliasDns(reader: ManifestReader, entry: Entry, block: DnsBlock): DnsLayer | null {
  if (isNull(entry.value)) return null;
  const inherited = block.inherited?.aliasDns ?? undefined;
  return readDnsLayer(reader, entry.value, entry.path, inherited, true);
}

function readProvider(reader: ManifestReader, entry: Entry, layer: DnsLayer): void {
  const hint = `name one of ${KNOWN_DNS_PROVIDERS.join(', ')}`;
  const provider = reader.readString(entry.value, entry.path, hint);
  if (provider === undefined) {
    layer.invalid = true;
    return;
  }
  if (!KNOWN_DNS_PROVIDERS.includes(provider)) {
    const suggestion = didYouMean(provider, KNOWN_DNS_PROVIDERS);
    reader.report(
      entry.value,
      entry.path,
      `unknown DNS provider \`${provider}\`.${suggestion} Known providers: ${KNOWN_DNS_PROVIDERS.join(', ')}.`,
    );
    layer.invalid = true;
    return;
  }
  layer.provider = provider;
}

/** Reads a zone or alias name. Returns null for an explicit null, and undefined after recording a problem. */
function readName(reader: ManifestReader, entry: Entry, hint: string): string | null | undefined {
  if (isNull(entry.value)) return null;
  const text = reader.readString(entry.value, entry.path, `give ${hint}`);
  if (text === undefined) return undefined;

  const normalized = normalizeDnsName(text);
  if ('error' in normalized) {
    reader.report(entry.value, entry.path, `invalid DNS name \`${text}\`: ${normalized.error}.`);
    return undefined;
  }
  return normalized.value;
}

function readNameservers(reader: ManifestReader, entry: Entry): string[] | null | undefined {
  if (isNull(entry.value)) return null;
  const items = reader.readList(
    entry.value,
    entry.path,
    'a list of nameservers such as ["ns1.example.com:53"]',
  );
  if (items === undefined) return undefined;
  if (items.length === 0) {
    reader.report(
      entry.value,
      entry.path,
      "the nameserver list is empty: list at least one, or remove `nameservers` to use the zone's NS records.",
    );
    return undefined;
  }

  const nameservers: string[] = [];
  items.forEach((item, index) => {
    const path = `${entry.path}[${index}]`;
    const text = reader.readString(item, path, 'give a `host` or `host:port`');
    if (text === undefined) return;
    const normalized = normalizeNameserver(text);
    if ('error' in normalized) {
      reader.report(
        item,
        path,
        `invalid nameserver \`${text}\`: ${normalized.error}. Write \`host\` or \`host:port\`.`,
      );
      return;
    }
    nameservers.push(normalized.value);
  });
  return nameservers.length === items.length ? nameservers : undefined;
}

function readProviderOption(
  reader: ManifestReader,
  entry: Entry,
  layer: DnsLayer,
  block: DnsBlock,
): void {
  const keys = block.nested ? ALIAS_DNS_KEYS : DNS_KEYS;
  const misspelled = OPTIONS_NEAR_DNS_KEYS.includes(entry.key)
    ? undefined
    : closestMatch(entry.key, keys);
  if (misspelled !== undefined) {
    reader.report(
      entry.keyNode,
      entry.path,
      `unknown key \`${entry.key}\` in ${block.nested ? ALIAS_DNS_KEY : 'dns'}. Did you mean \`${misspelled}\`?`,
    );
    return;
  }
  if (looksLikeCredential(entry.key)) {
    reader.report(
      entry.keyNode,
      entry.path,
      `\`${entry.key}\` looks like a credential, and credentials never live in the manifest: remove it and ${credentialAdvice(block.provider)}.`,
    );
    return;
  }
  if (!KEBAB_CASE.test(entry.key)) {
    reader.report(
      entry.keyNode,
      entry.path,
      `provider option \`${entry.key}\` is not in kebab case: write \`${toKebabCase(entry.key)}\`.`,
    );
    return;
  }

  const value = entry.value;
  if (isScalar(value) && value.value === null) {
    layer.options[entry.key] = null;
  } else if (isScalar(value) && typeof value.value === 'number') {
    // The text as written keeps what the number conversion drops, such as the leading zero of `0123`.
    layer.options[entry.key] = value.source ?? String(value.value);
  } else if (isScalar(value) && ['string', 'boolean'].includes(typeof value.value)) {
    layer.options[entry.key] = String(value.value);
  } else {
    reader.report(
      value,
      entry.path,
      `provider option \`${entry.key}\` must be a string, number or boolean, found ${describe(value)}.`,
    );
  }
}

/** True for option names such as `tsig-secret`, `api-token` or `api-key`, but not `tsig-key-name` or `access-key-id`. */
function looksLikeCredential(key: string): boolean {
  const lower = key.toLowerCase();
  if (SECRET_WORDS.some((word) => lower.includes(word))) return true;
  if (!lower.includes('key')) return false;
  return !IDENTIFIER_SUFFIXES.some((suffix) => lower.endsWith(suffix));
}

/** Names the environment variable that the credential belongs in instead. */
function credentialAdvice(provider: string | undefined): string {
  const variable = provider === undefined ? undefined : CREDENTIAL_VARIABLES[provider];
  if (variable) return `set the environment variable ${variable} (or ${variable}_FILE) instead`;
  return 'set it in the environment variable that the DNS provider reads for it instead';
}
