/**
 * One TXT value that a DNS-01 challenge needs. `name` is the normalized owner name
 * (lower case A-labels, no trailing dot), for example `_acme-challenge.example.com`.
 */
export interface ChallengeRecord {
  name: string;
  value: string;
}

/**
 * Contract every DNS provider implements. `present` adds one TXT value next to any
 * values already on the name; `cleanUp` removes exactly the value that `present`
 * added and never touches values someone else put there. Several values on one name
 * (an apex and its wildcard) must coexist.
 */
export interface DnsProvider {
  /** Provider id used as the prefix of every error message, for example `rfc2136`. */
  readonly name: string;
  present(record: ChallengeRecord): Promise<void>;
  cleanUp(record: ChallengeRecord): Promise<void>;
  /**
   * Authoritative nameservers (`host:port`) of the record's zone,
   * used to check propagation. Providers that cannot tell return an empty list and
   * the caller falls back to the zone's NS records.
   */
  authoritativeServers?(record: ChallengeRecord): Promise<string[]>;
  /** Maximum propagation time at this provider, in milliseconds. */
  readonly propagationTimeoutMs?: number;
}
