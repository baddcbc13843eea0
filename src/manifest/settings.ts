import { isMap, isScalar, type Node } from 'yaml';

import {
  checkAliasDns,
  mergeDnsLayers,
  readDnsLayer,
  toDnsSettings,
  type DnsLayer,
} from './dns.js';
import { KNOWN_DNS_PROVIDERS } from './dns-providers.js';
import { CA_PRESETS, checkDirectoryUrl } from './presets.js';
import { describe, isNull, type Entry, type ManifestReader } from './reader.js';
import { didYouMean } from './suggest.js';
import type {
  AlreadyReplacedPolicy,
  CaSettings,
  CertificateSpec,
  KeyType,
  ReplacesPolicy,
  SourcePosition,
} from './types.js';

export const KEY_TYPES: readonly KeyType[] = [
  'ec-p256',
  'ec-p384',
  'rsa-2048',
  'rsa-3072',
  'rsa-4096',
];
const REPLACES_POLICIES: readonly ReplacesPolicy[] = ['auto', 'never'];
const ALREADY_REPLACED_POLICIES: readonly AlreadyReplacedPolicy[] = ['fallback', 'fail'];

/** Keys that `defaults` and each certificate may both set. */
export const SETTING_KEYS = [
  'ca',
  'key-type',
  'profile',
  'ari',
  'replaces',
  'on-already-replaced',
  'dns',
] as const;
/** Keys that only a certificate may set. */
export const CERTIFICATE_ONLY_KEYS = ['name', 'domains'] as const;

/** Settings that one level (defaults or a certificate) sets. A null profile unsets an inherited one. */
export interface SettingsLayer {
  ca?: CaSettings;
  keyType?: KeyType;
  profile?: string | null;
  ari?: boolean;
  replaces?: ReplacesPolicy;
  onAlreadyReplaced?: AlreadyReplacedPolicy;
  dns?: DnsLayer;
  /** Keys given but invalid. They were reported already, so no "missing" problem follows. */
  invalid: Set<string>;
}

/**
 * Reads the setting keys among `entries`, after the caller has rejected unknown keys.
 * `inheritedDns` is the `dns` of defaults when reading a certificate.
 */
export function readSettingsLayer(
  reader: ManifestReader,
  entries: readonly Entry[],
  inheritedDns?: DnsLayer,
): SettingsLayer {
  const layer: SettingsLayer = { invalid: new Set() };
  for (const entry of entries) {
    const valid = readSetting(reader, entry, layer, inheritedDns);
    if (!valid) layer.invalid.add(entry.key);
  }
  return layer;
}

/** Fields of a certificate that come from the merged settings. */
export type ResolvedSettings = Pick<
  CertificateSpec,
  'keyType' | 'ca' | 'profile' | 'dns' | 'ari' | 'replaces' | 'onAlreadyReplaced'
>;

/**
 * Merges a certificate's settings over the defaults and applies the built-in defaults.
 * Reports a missing `ca` or `dns.provider` at `position`, and a `challenge-alias-dns`
 * without provider at that block, and returns undefined then.
 */
export function resolveSettings(
  reader: ManifestReader,
  defaults: SettingsLayer,
  certificate: SettingsLayer,
  position: SourcePosition,
  path: string,
): ResolvedSettings | undefined {
  const ca = certificate.ca ?? defaults.ca;
  if (ca === undefined && !defaults.invalid.has('ca') && !certificate.invalid.has('ca')) {
    reader.report(
      position,
      path,
      `no CA is set: add \`ca: letsencrypt\` under \`defaults\` or this certificate. Other presets are ${Object.keys(CA_PRESETS).join(', ')}, and a directory URL works too.`,
    );
  }

  const dns = mergeDnsLayers(defaults.dns, certificate.dns);
  const dnsGivenButInvalid =
    dns.invalid || defaults.invalid.has('dns') || certificate.invalid.has('dns');
  if (dns.provider === undefined && !dnsGivenButInvalid) {
    reader.report(
      position,
      path,
      `no DNS provider is set: add \`dns: { provider: rfc2136 }\` (or another of ${KNOWN_DNS_PROVIDERS.join(', ')}) under \`defaults\` or this certificate.`,
    );
  }
  const aliasDnsValid = checkAliasDns(reader, dns);
  if (ca === undefined || dns.provider === undefined || !aliasDnsValid) return undefined;

  const resolved: ResolvedSettings = {
    keyType: certificate.keyType ?? defaults.keyType ?? 'ec-p256',
    ca,
    dns: toDnsSettings(dns, dns.provider),
    ari: certificate.ari ?? defaults.ari ?? true,
    replaces: certificate.replaces ?? defaults.replaces ?? 'auto',
    onAlreadyReplaced: certificate.onAlreadyReplaced ?? defaults.onAlreadyReplaced ?? 'fallback',
  };
  const profile = certificate.profile !== undefined ? certificate.profile : defaults.profile;
  if (profile) resolved.profile = profile;
  return resolved;
}

/** Reads one setting into `layer` and returns false when it recorded a problem. */
function readSetting(
  reader: ManifestReader,
  entry: Entry,
  layer: SettingsLayer,
  inheritedDns?: DnsLayer,
): boolean {
  const { value, path } = entry;
  switch (entry.key) {
    case 'ca':
      layer.ca = readCa(reader, value, path);
      return layer.ca !== undefined;
    case 'key-type':
      layer.keyType = reader.readChoice(value, path, KEY_TYPES);
      return layer.keyType !== undefined;
    case 'profile':
      layer.profile = isNull(value)
        ? null
        : reader.readString(value, path, 'name a profile the CA offers, such as `shortlived`');
      return layer.profile !== undefined;
    case 'ari':
      layer.ari = reader.readBoolean(value, path);
      return layer.ari !== undefined;
    case 'replaces':
      layer.replaces = reader.readChoice(value, path, REPLACES_POLICIES);
      return layer.replaces !== undefined;
    case 'on-already-replaced':
      layer.onAlreadyReplaced = reader.readChoice(value, path, ALREADY_REPLACED_POLICIES);
      return layer.onAlreadyReplaced !== undefined;
    case 'dns':
      layer.dns = readDnsLayer(reader, value, path, inheritedDns);
      return !layer.dns.invalid;
    default:
      return true;
  }
}

/** Reads `ca` as a preset name, a directory URL, or `{directory, external-account-binding}`. */
function readCa(reader: ManifestReader, node: Node, path: string): CaSettings | undefined {
  if (isMap(node)) return readCaMap(reader, node, path);
  if (!isScalar(node) || typeof node.value !== 'string' || node.value === '') {
    reader.report(
      node,
      path,
      `expected a CA preset (${Object.keys(CA_PRESETS).join(', ')}), a directory URL, or a map with \`directory\`, found ${describe(node)}.`,
    );
    return undefined;
  }

  const text = node.value;
  const preset = CA_PRESETS[text];
  if (preset) return { preset: text, ...preset };

  if (!text.includes('://')) {
    const suggestion = didYouMean(text, Object.keys(CA_PRESETS));
    reader.report(
      node,
      path,
      `unknown CA preset \`${text}\`.${suggestion} Presets: ${Object.keys(CA_PRESETS).join(', ')}; or give the CA's directory URL.`,
    );
    return undefined;
  }
  const problem = checkDirectoryUrl(text);
  if (problem) {
    reader.report(node, path, `${problem}.`);
    return undefined;
  }
  return { directoryUrl: text, externalAccountBinding: false };
}

function readCaMap(reader: ManifestReader, node: Node, path: string): CaSettings | undefined {
  const entries = reader.readMap(node, path, 'the CA settings');
  if (entries === undefined) return undefined;
  const { known } = reader.rejectUnknownKeys(
    entries,
    ['directory', 'external-account-binding'],
    'ca',
  );
  if (known.length !== entries.length) return undefined;

  const directory = known.find((entry) => entry.key === 'directory');
  const binding = known.find((entry) => entry.key === 'external-account-binding');
  if (directory === undefined) {
    reader.report(
      node,
      path,
      "missing `directory`: give the CA's directory URL, as in `ca: { directory: https://ca.example/directory }`.",
    );
    return undefined;
  }

  const url = reader.readString(directory.value, directory.path, "give the CA's directory URL");
  const problem = url === undefined ? undefined : checkDirectoryUrl(url);
  if (problem) reader.report(directory.value, directory.path, `${problem}.`);
  const externalAccountBinding =
    binding === undefined ? false : reader.readBoolean(binding.value, binding.path);

  if (url === undefined || problem || externalAccountBinding === undefined) return undefined;
  return { directoryUrl: url, externalAccountBinding };
}
