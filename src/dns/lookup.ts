import { isIP } from 'node:net';
import type { Answer } from 'dns-packet';
import { formatServerAddress, query, type QueryOptions } from './client.js';
import { isInZone, normalizeDnsName, parentName } from './names.js';

/** Raised when a lookup completes but its answer cannot be used (no zone, CNAME loop). */
export class DnsLookupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DnsLookupError';
  }
}

const MAX_CNAME_HOPS = 8;

function sameName(recordName: string, name: string): boolean {
  return recordName.toLowerCase().replace(/\.$/, '') === name;
}

type DataAnswer = Exclude<Answer, { type: 'OPT' }>;

function findRecord(
  records: Answer[] | undefined,
  type: string,
  name?: string,
): DataAnswer | undefined {
  return records?.find(
    (record): record is DataAnswer =>
      record.type === type &&
      record.type !== 'OPT' &&
      (name === undefined || sameName(record.name, name)),
  );
}

function dataRecords(records: Answer[] | undefined, type: string, name: string): DataAnswer[] {
  return (records ?? []).filter(
    (record): record is DataAnswer =>
      record.type === type && record.type !== 'OPT' && sameName(record.name, name),
  );
}

/**
 * Finds the zone that contains `name` by asking `server` for SOA records, walking up
 * one label at a time. An SOA in the answer names the zone itself. On NXDOMAIN or
 * NODATA the SOA in the authority section names the enclosing zone (RFC 2308
 * section 3). A referral (NS records without SOA) names a zone delegated elsewhere.
 */
export async function findZone(
  name: string,
  server: string,
  options: QueryOptions = {},
): Promise<string> {
  const start = normalizeDnsName(name);
  for (
    let candidate: string | undefined = start;
    candidate !== undefined;
    candidate = parentName(candidate)
  ) {
    const { packet, rcode } = await query(server, candidate, 'SOA', options);
    if (rcode !== 'NOERROR' && rcode !== 'NXDOMAIN') continue;

    if (findRecord(packet.answers, 'SOA', candidate)) return candidate;

    const authoritySoa = findRecord(packet.authorities, 'SOA');
    // A server that serves the root zone returns the root SOA for every name outside
    // its other zones. Challenge records never belong in the root zone, so the walk ends.
    if (authoritySoa && authoritySoa.name === '.') break;
    if (authoritySoa) {
      const zone = normalizeDnsName(authoritySoa.name);
      if (isInZone(start, zone)) return zone;
    }

    const referral = findRecord(packet.authorities, 'NS');
    if (referral && !authoritySoa) {
      const zone = normalizeDnsName(referral.name);
      if (isInZone(start, zone)) return zone;
    }
  }
  throw new DnsLookupError(
    `No zone found for ${start} at DNS server ${server}: no name from ${start} up to the top level has an SOA record there. ` +
      'Check that the server is authoritative for the zone, or set the zone in the manifest.',
  );
}

/** Joins the character-strings of one TXT record, which dns-packet decodes as separate buffers. */
function txtRecordValue(data: unknown): string {
  const parts = Array.isArray(data) ? data : [data];
  return parts
    .map((part) => (Buffer.isBuffer(part) ? part.toString('utf8') : String(part)))
    .join('');
}

/** Returns the TXT values at exactly `name` (CNAMEs are not followed). */
export async function lookupTxt(
  name: string,
  server: string,
  options: QueryOptions = {},
): Promise<string[]> {
  const { packet, rcode } = await query(server, name, 'TXT', options);
  if (rcode !== 'NOERROR' && rcode !== 'NXDOMAIN') {
    throw new DnsLookupError(
      `DNS server ${server} responded ${rcode} to the TXT query for ${name}.`,
    );
  }
  return dataRecords(packet.answers, 'TXT', name).map((record) => txtRecordValue(record.data));
}

/**
 * Follows CNAME records from `name` and returns the final owner name, which is
 * `name` itself when it has no CNAME. The chain is bounded to stop loops.
 */
export async function followCnames(
  name: string,
  server: string,
  options: QueryOptions = {},
): Promise<string[]> {
  const chain = [normalizeDnsName(name)];
  for (let hop = 0; hop <= MAX_CNAME_HOPS; hop++) {
    const current = chain[chain.length - 1] as string;
    const { packet } = await query(server, current, 'CNAME', options);
    const cname = findRecord(packet.answers, 'CNAME', current);
    if (!cname) return chain;

    const target = normalizeDnsName(String(cname.data));
    if (chain.includes(target)) {
      throw new DnsLookupError(
        `CNAME loop at DNS server ${server}: ${[...chain, target].join(' -> ')}. Fix the CNAME records.`,
      );
    }
    chain.push(target);
  }
  throw new DnsLookupError(
    `CNAME chain from ${chain[0]} is longer than ${MAX_CNAME_HOPS} hops at DNS server ${server}: ${chain.join(' -> ')}. Shorten it.`,
  );
}

/**
 * Returns `ip:53` for each nameserver in the zone's NS set, using glue from the
 * additional section or A/AAAA queries to `server`.
 */
export async function zoneNameserverAddresses(
  zone: string,
  server: string,
  options: QueryOptions = {},
): Promise<string[]> {
  const { packet } = await query(server, zone, 'NS', options);
  const hosts = dataRecords(packet.answers, 'NS', zone).map((record) =>
    normalizeDnsName(String(record.data)),
  );
  if (hosts.length === 0) {
    throw new DnsLookupError(
      `Zone ${zone} has no NS records at DNS server ${server}. Set nameservers in the manifest.`,
    );
  }

  const addresses: string[] = [];
  for (const host of hosts) {
    const glue = [
      ...dataRecords(packet.additionals, 'A', host),
      ...dataRecords(packet.additionals, 'AAAA', host),
    ];
    const found =
      glue.length > 0
        ? glue.map((record) => String(record.data))
        : await resolveAddresses(host, server, options);
    for (const ip of found) addresses.push(formatServerAddress({ host: ip, port: 53 }));
  }
  if (addresses.length === 0) {
    throw new DnsLookupError(
      `No address found for the nameservers of zone ${zone} (${hosts.join(', ')}). Set nameservers in the manifest.`,
    );
  }
  return [...new Set(addresses)];
}

async function resolveAddresses(
  host: string,
  server: string,
  options: QueryOptions,
): Promise<string[]> {
  const addresses: string[] = [];
  for (const type of ['A', 'AAAA'] as const) {
    const { packet } = await query(server, host, type, options);
    for (const record of dataRecords(packet.answers, type, host)) {
      if (isIP(String(record.data))) addresses.push(String(record.data));
    }
  }
  return addresses;
}
