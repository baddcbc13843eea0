import { getServers } from 'node:dns';
import type { Logger } from '../log.js';
import { describe, formatServerAddress, parseServerAddress, type QueryOptions } from './client.js';
import { findZone, followCnames, zoneNameserverAddresses } from './lookup.js';
import { isInZone, normalizeDnsName } from './names.js';
import { waitForTxt } from './propagation.js';
import type { ChallengeRecord, DnsProvider } from './provider.js';

export interface PresentChallengesOptions {
  logger: Logger;
  /** Zone from the manifest, which spares the SOA lookup when the NS set is needed. */
  zone?: string;
  /** Servers (`host` or `host:port`) to check propagation at, before the provider's own. */
  nameservers?: string[];
  /** Name that every `_acme-challenge` name is delegated to. Setting it skips the CNAME lookup. */
  challengeAlias?: string;
  /**
   * Server (`host:port`) asked for CNAME, SOA and NS records. Defaults to the
   * provider's authoritative server, then the system's first resolver.
   */
  resolver?: string;
  /** Maximum propagation wait in milliseconds. Defaults to the provider's, then 120 s. */
  propagationTimeoutMs?: number;
  /** First pause between propagation checks in milliseconds. */
  initialDelayMs?: number;
}

const DEFAULT_PROPAGATION_TIMEOUT_MS = 120_000;

/** The records written at one owner name, after following CNAME delegation. */
interface TargetName {
  name: string;
  /** Names that delegate to `name`, for log lines. */
  delegatedFrom: string[];
  values: string[];
}

/**
 * Writes every challenge value, waits until all are visible at the authoritative
 * servers, and returns the clean-up function. Values for one owner name are written
 * one at a time, so an apex and its wildcard coexist. Distinct names go in parallel.
 * When `_acme-challenge.<domain>` is a CNAME (or `challengeAlias` is set) the TXT is
 * written at the target. On failure everything written is removed before the error
 * is raised. The clean-up function removes exactly the values this call wrote, logs
 * failures as warnings and never throws.
 */
export async function presentChallenges(
  records: ChallengeRecord[],
  provider: DnsProvider,
  options: PresentChallengesOptions,
): Promise<() => Promise<void>> {
  const { logger } = options;
  if (records.length === 0) return async () => undefined;

  const resolver = await chooseResolver(records, provider, options);
  const targets = await resolveTargets(records, resolver, options);

  const written: ChallengeRecord[] = [];
  const cleanUp = createCleanUp(written, provider, logger);
  try {
    await presentAll(targets, provider, written, logger);
    await Promise.all(
      targets.map((target) => waitUntilVisible(target, provider, resolver, options)),
    );
  } catch (error) {
    await cleanUp();
    throw error;
  }
  return cleanUp;
}

async function chooseResolver(
  records: ChallengeRecord[],
  provider: DnsProvider,
  options: PresentChallengesOptions,
): Promise<Resolver> {
  if (options.resolver) return { server: options.resolver, query: {} };

  const first = records[0];
  const authoritative =
    first && provider.authoritativeServers ? await provider.authoritativeServers(first) : [];
  if (authoritative[0]) return { server: authoritative[0], query: {} };

  // NOTE: only the system's first resolver is asked, so a resolver that is down fails the lookup.
  const system = getServers()[0];
  if (!system)
    throw new Error(
      `${provider.name}: no DNS resolver is configured on this machine, and one is needed to look up CNAME and NS records. Add a nameserver line to /etc/resolv.conf.`,
    );
  return {
    server: formatServerAddress(parseServerAddress(system)),
    query: { recursionDesired: true },
  };
}

interface Resolver {
  server: string;
  query: QueryOptions;
}

async function resolveTargets(
  records: ChallengeRecord[],
  resolver: Resolver,
  options: PresentChallengesOptions,
): Promise<TargetName[]> {
  const alias =
    options.challengeAlias === undefined ? undefined : normalizeDnsName(options.challengeAlias);
  const byName = new Map<string, TargetName>();

  for (const record of records) {
    const name = normalizeDnsName(record.name);
    const chain = alias ? [name, alias] : await followCnames(name, resolver.server, resolver.query);
    const targetName = chain[chain.length - 1] as string;

    const target = byName.get(targetName) ?? { name: targetName, delegatedFrom: [], values: [] };
    byName.set(targetName, target);
    if (targetName !== name && !target.delegatedFrom.includes(name))
      target.delegatedFrom.push(name);
    if (!target.values.includes(record.value)) target.values.push(record.value);
  }
  return [...byName.values()];
}

async function presentAll(
  targets: TargetName[],
  provider: DnsProvider,
  written: ChallengeRecord[],
  logger: Logger,
): Promise<void> {
  const results = await Promise.allSettled(
    targets.map(async (target) => {
      // One value at a time per name, because some provider APIs replace the whole record set.
      for (const value of target.values) {
        const record = { name: target.name, value };
        // Recorded before the write, because a write that timed out may still have been applied.
        written.push(record);
        await provider.present(record);
      }
      const delegation =
        target.delegatedFrom.length > 0 ? ` (CNAME from ${target.delegatedFrom.join(', ')})` : '';
      logger.info(
        `${provider.name}: added ${target.values.length} TXT value(s) at ${target.name}${delegation}`,
      );
    }),
  );

  const failures = results.flatMap((result) =>
    result.status === 'rejected' ? [result.reason as unknown] : [],
  );
  if (failures.length === 1) throw failures[0];
  if (failures.length > 1) throw new Error(failures.map(describe).join('\n'));
}

async function waitUntilVisible(
  target: TargetName,
  provider: DnsProvider,
  resolver: Resolver,
  options: PresentChallengesOptions,
): Promise<void> {
  const servers = await propagationServers(target, provider, resolver, options);
  const timeoutMs =
    options.propagationTimeoutMs ?? provider.propagationTimeoutMs ?? DEFAULT_PROPAGATION_TIMEOUT_MS;
  options.logger.info(
    `${target.name}: waiting up to ${timeoutMs / 1000} s for ${target.values.length} TXT value(s) at ${servers.join(', ')}`,
  );

  await waitForTxt(target.name, target.values, {
    servers,
    timeoutMs,
    initialDelayMs: options.initialDelayMs,
    logger: options.logger,
  });
  options.logger.info(`${target.name}: TXT value(s) visible at every server`);
}

/** Servers to check: the manifest's list, else the provider's, else the zone's NS set. */
async function propagationServers(
  target: TargetName,
  provider: DnsProvider,
  resolver: Resolver,
  options: PresentChallengesOptions,
): Promise<string[]> {
  if (options.nameservers && options.nameservers.length > 0) return options.nameservers;

  const record = { name: target.name, value: target.values[0] ?? '' };
  const fromProvider = provider.authoritativeServers
    ? await provider.authoritativeServers(record)
    : [];
  if (fromProvider.length > 0) return fromProvider;

  const manifestZone = options.zone === undefined ? undefined : normalizeDnsName(options.zone);
  const zone =
    manifestZone && isInZone(target.name, manifestZone)
      ? manifestZone
      : await findZone(target.name, resolver.server, resolver.query);
  return zoneNameserverAddresses(zone, resolver.server, resolver.query);
}

function createCleanUp(
  written: ChallengeRecord[],
  provider: DnsProvider,
  logger: Logger,
): () => Promise<void> {
  let done = false;
  return async () => {
    if (done) return;
    done = true;

    const byName = new Map<string, ChallengeRecord[]>();
    for (const record of written)
      byName.set(record.name, [...(byName.get(record.name) ?? []), record]);

    await Promise.all(
      [...byName.values()].map(async (recordsAtName) => {
        for (const record of recordsAtName) {
          try {
            await provider.cleanUp(record);
            logger.debug(`${provider.name}: removed TXT value at ${record.name}`);
          } catch (error) {
            logger.warning(
              `${provider.name}: failed to remove a TXT value at ${record.name} (${describe(error)}). Remove it by hand.`,
            );
          }
        }
      }),
    );
  };
}
