import type { ChallengeSolver } from '../acme/authorizations.js';
import { createProviderOnFirstUse, presentChallenges } from '../dns/challenge.js';
import { createDnsProvider } from '../dns/registry.js';
import { emptyLineage } from '../lineage/lineage.js';
import type { Lineage } from '../lineage/types.js';
import type { CertificateSpec } from '../manifest/types.js';
import type { RunContext } from './context.js';

let commitQueue: Promise<unknown> = Promise.resolve();

/**
 * Applies `change` to the lineage of `name` and commits it. Commits from one process
 * go one at a time, so concurrent certificates do not race each other for the branch.
 * In dry-run mode nothing is committed and undefined is returned.
 */
export async function commitLineage(
  context: RunContext,
  name: string,
  message: string,
  change: (lineage: Lineage) => Lineage,
  files?: Record<string, string>,
): Promise<{ sha: string; url?: string } | undefined> {
  if (context.settings.dryRun) return undefined;

  const run = async (): Promise<{ sha: string; url?: string }> => {
    const info = await context.store.update(
      name,
      (current) => ({ lineage: change(current ?? emptyLineage(name)), files }),
      message,
    );
    return { sha: info.commit, url: info.url };
  };
  const next = commitQueue.then(run, run);
  commitQueue = next.catch(() => undefined);
  return next;
}

/**
 * DNS-01 solver for `spec`: its provider, zone and propagation settings. With
 * `dns.aliasDns`, delegated names go through the provider `aliasDns` names, and the
 * certificate's own provider is created only when a name is not delegated.
 */
export function solverFor(context: RunContext, spec: CertificateSpec): ChallengeSolver {
  const { aliasDns } = spec.dns;
  const createOwn = () => createDnsProvider(spec.dns, context.env, context.logger);
  const provider = aliasDns ? createProviderOnFirstUse(spec.dns.provider, createOwn) : createOwn();
  const targetProvider = aliasDns
    ? createDnsProvider(aliasDns, context.env, context.logger)
    : undefined;

  return (records) =>
    presentChallenges(records, provider, {
      logger: context.logger,
      zone: spec.dns.zone,
      nameservers: spec.dns.nameservers,
      challengeAlias: spec.dns.challengeAlias,
      targetProvider,
      targetZone: aliasDns?.zone,
      targetNameservers: aliasDns?.nameservers,
    });
}
