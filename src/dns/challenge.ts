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
   * provider's authoritative server (the first of `nameservers` when `targetProvider`
   * is set), then the system's first resolver.
   */
  resolver?: string;
  /** Maximum propagation wait in milliseconds. Defaults to the provider's, then 120 s. */
  propagationTimeoutMs?: number;
  /** First pause between propagation checks in milliseconds. */
  initialDelayMs?: number;
  /**
   * Provider of the zone that delegated names point into, when the certificate's own
   * provider cannot write there. Names reached by CNAME or `challengeAlias` are then
   * written, checked and removed through it, and the certificate's provider is used
   * only for names that are not delegated.
   */
  targetProvider?: DnsProvider;
  /** Zone of the delegation target, which spares the SOA lookup. Used with `targetProvider`. */
  targetZone?: string;
  /** Servers to check delegated names at, before the target provider's own. Used with `targetProvider`. */
  targetNameservers?: string[];
}

const DEFAULT_PROPAGATION_TIMEOUT_MS = 120_000;

/** A provider with the zone and servers that its names are checked against. */
interface Route {
  provider: DnsProvider;
  zone?: string;
  nameservers?: string[];
}

/** The records written at one owner name, after following CNAME delegation. */
interface TargetName {
  name: string;
  /** Names that delegate to `name`, for log lines. */
  delegatedFrom: string[];
  values: string[];
  route: Route;
}

/** A value that `present` was called for, with the provider that must remove it. */
interface WrittenRecord {
  record: ChallengeRecord;
  provider: DnsProvider;
}

/**
 * Writes every challenge value, waits until all are visible at the authoritative
 * servers, and returns the clean-up function. Values for one owner name are written
 * one at a time, so an apex and its wildcard coexist. Distinct names go in parallel.
 * When `_acme-challenge.<domain>` is a CNAME (or `challengeAlias` is set) the TXT is
 * written at the target, through `targetProvider` when one is given. On failure
 * everything written is removed before the error is raised. The clean-up function
 * removes exactly the values this call wrote, each through the provider that wrote
 * it, logs failures as warnings and never throws.
 */
export async function presentChallenges(
  records: ChallengeRecord[],
  provider: DnsProvider,
  options: PresentChallengesOptions,
): Promise<() => Promise<void>> {
  const { logger } = options;
  if (records.length === 0) return async () => undefined;

  const resolver = await chooseResolver(records, provider, options);
  const own: Route = { provider, zone: options.zone, nameservers: options.nameservers };
  const delegated: Route = options.targetProvider
    ? {
        provider: options.targetProvider,
        zone: options.targetZone,
        nameservers: options.targetNameservers,
      }
    : own;
  const targets = await resolveTargets(records, resolver, options.challengeAlias, {
    own,
    delegated,
  });

  const written: WrittenRecord[] = [];
  const cleanUp = createCleanUp(written, logger);
  try {
    await presentAll(targets, written, logger);
    await Promise.all(targets.map((target) => waitUntilVisible(target, resolver, options)));
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
  let authoritative: string[] = [];
  if (options.targetProvider) {
    // The certificate's own provider may have no credentials when its names are
    // delegated, so the CNAME is looked up at the certificate's nameservers instead.
    authoritative = options.nameservers ?? [];
  } else if (first && provider.authoritativeServers) {
    authoritative = await provider.authoritativeServers(first);
  }
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

/**
 * Groups the records by the owner name they are written at. A name that any record
 * was delegated to goes through the `delegated` route, every other name through `own`.
 */
async function resolveTargets(
  records: ChallengeRecord[],
  resolver: Resolver,
  challengeAlias: string | undefined,
  routes: { own: Route; delegated: Route },
): Promise<TargetName[]> {
  const alias = challengeAlias === undefined ? undefined : normalizeDnsName(challengeAlias);
  const byName = new Map<string, TargetName>();

  for (const record of records) {
    const name = normalizeDnsName(record.name);
    const chain = alias ? [name, alias] : await followCnames(name, resolver.server, resolver.query);
    const targetName = chain[chain.length - 1] as string;

    const target = byName.get(targetName) ?? {
      name: targetName,
      delegatedFrom: [],
      values: [],
      route: routes.own,
    };
    byName.set(targetName, target);
    if (targetName !== name && !target.delegatedFrom.includes(name)) {
      target.delegatedFrom.push(name);
      target.route = routes.delegated;
    }
    if (!target.values.includes(record.value)) target.values.push(record.value);
  }
  return [...byName.values()];
}

async function presentAll(
  targets: TargetName[],
  written: WrittenRecord[],
  logger: Logger,
): Promise<void> {
  const results = await Promise.allSettled(
    targets.map(async (target) => {
      const { provider } = target.route;
      // One value at a time per name, because some provider APIs replace the whole record set.
      for (const value of target.values) {
        const record = { name: target.name, value };
        // Recorded before the write, because a write that timed out may still have been applied.
        written.push({ record, provider });
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
  resolver: Resolver,
  options: PresentChallengesOptions,
): Promise<void> {
  const servers = await propagationServers(target, resolver);
  const timeoutMs =
    options.propagationTimeoutMs ??
    target.route.provider.propagationTimeoutMs ??
    DEFAULT_PROPAGATION_TIMEOUT_MS;
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

/** Servers to check: the route's manifest list, else its provider's, else the zone's NS set. */
async function propagationServers(target: TargetName, resolver: Resolver): Promise<string[]> {
  const { provider, nameservers } = target.route;
  if (nameservers && nameservers.length > 0) return nameservers;

  const record = { name: target.name, value: target.values[0] ?? '' };
  const fromProvider = provider.authoritativeServers
    ? await provider.authoritativeServers(record)
    : [];
  if (fromProvider.length > 0) return fromProvider;

  const routeZone = target.route.zone;
  const manifestZone = routeZone === undefined ? undefined : normalizeDnsName(routeZone);
  const zone =
    manifestZone && isInZone(target.name, manifestZone)
      ? manifestZone
      : await findZone(target.name, resolver.server, resolver.query);
  return zoneNameserverAddresses(zone, resolver.server, resolver.query);
}

function createCleanUp(written: WrittenRecord[], logger: Logger): () => Promise<void> {
  let done = false;
  return async () => {
    if (done) return;
    done = true;

    const byName = new Map<string, WrittenRecord[]>();
    for (const entry of written)
      byName.set(entry.record.name, [...(byName.get(entry.record.name) ?? []), entry]);

    await Promise.all(
      [...byName.values()].map(async (recordsAtName) => {
        for (const { record, provider } of recordsAtName) {
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

/**
 * Wraps a provider so that `create` runs on the first write. With a target provider,
 * the certificate's own provider writes only names that are not delegated, so its
 * settings and credentials are needed only when such a name exists.
 */
export function createProviderOnFirstUse(name: string, create: () => DnsProvider): DnsProvider {
  let created: DnsProvider | undefined;
  const provider = (): DnsProvider => (created ??= create());
  return {
    name,
    present: async (record) => provider().present(record),
    // A provider that was never created wrote nothing, so there is nothing to remove.
    cleanUp: async (record) => created?.cleanUp(record),
    authoritativeServers: async (record) => (await provider().authoritativeServers?.(record)) ?? [],
    get propagationTimeoutMs() {
      return created?.propagationTimeoutMs;
    },
  };
}
