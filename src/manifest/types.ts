/** Key algorithms a certificate can use. */
export type KeyType = 'ec-p256' | 'ec-p384' | 'rsa-2048' | 'rsa-3072' | 'rsa-4096';

/** Policy when the CA rejects `replaces` because the old certificate already has a replacement order. */
export type AlreadyReplacedPolicy = 'fallback' | 'fail';

/** When to send `replaces` in newOrder: `auto` applies the RFC 9773 conditions, `never` omits it. */
export type ReplacesPolicy = 'auto' | 'never';

export interface CaSettings {
  /** Preset name such as `letsencrypt`, or undefined when the manifest gave a directory URL. */
  preset?: string;
  directoryUrl: string;
  /** True when the CA requires external account binding (RFC 8555 section 7.3.4). */
  externalAccountBinding: boolean;
}

export interface DnsSettings {
  /** Provider id, for example `rfc2136` or `cloudflare`. */
  provider: string;
  /** Zone to write challenge records in; found by SOA lookup when absent. */
  zone?: string;
  /** Nameservers (`host` or `host:port`) to check propagation against instead of the zone's NS set. */
  nameservers?: string[];
  /** Name that `_acme-challenge.<domain>` is delegated to by CNAME, when the manifest sets one. */
  challengeAlias?: string;
  /** Provider-specific settings that are not secret, such as a server address. */
  options: Record<string, string>;
  /**
   * DNS that serves the delegation target (`challenge-alias-dns`), when it sits at
   * another provider than the certificate's zone. Delegated challenge names are
   * written and checked through it. It never has `challengeAlias` or `aliasDns` itself.
   */
  aliasDns?: DnsSettings;
}

/** Position of a node in the manifest file, 1-based. */
export interface SourcePosition {
  line: number;
  column: number;
}

export interface CertificateSpec {
  /** Name safe in a file name; it keys the lineage file and the output directory. */
  name: string;
  /** DNS names (lower case A-labels, no trailing dot), wildcards and IP addresses. */
  domains: string[];
  keyType: KeyType;
  ca: CaSettings;
  profile?: string;
  dns: DnsSettings;
  ari: boolean;
  replaces: ReplacesPolicy;
  onAlreadyReplaced: AlreadyReplacedPolicy;
  /** Position of the certificate's declaration, for error messages. */
  position: SourcePosition;
}

export interface Manifest {
  /** Path of the manifest file as the user gave it. */
  file: string;
  version: 1;
  certificates: CertificateSpec[];
}
