import type { GitLineageStore } from '../lineage/git-store.js';
import { findCommitThatDropped, lineageVersions } from '../lineage/history.js';
import type { LineageStore } from '../lineage/store.js';
import type { Lineage } from '../lineage/types.js';
import type { StateCommit } from '../report/incident.js';

/** Facts from the state branch's history about a replacement that the current lineage lost. */
export interface LostReplacement {
  /** URL of an order that named the certificate in `replaces`, from an older version of the lineage. */
  orderUrl?: string;
  /** Commit after which the record of that order was no longer in the lineage. */
  lostInCommit?: StateCommit;
}

/** Versions of a lineage read when looking for a lost replacement; older history is not searched. */
const MAX_VERSIONS = 200;

/**
 * Searches the history of the state branch for an order that replaced `certId`:
 * a journaled pending order or a recorded certificate that a later commit removed
 * (a run that died, a deleted file, a reverted commit). Only the git backend keeps
 * history this way; other stores return an empty result.
 */
export async function findLostReplacement(
  store: LineageStore,
  name: string,
  certId: string,
): Promise<LostReplacement> {
  if (!isGitStore(store)) return {};
  const tip = await store.fetchState();
  if (!tip.commit) return {};

  let orderUrl: string | undefined;
  let read = 0;
  for await (const version of lineageVersions(tip, name)) {
    orderUrl = version.lineage ? orderReplacing(version.lineage, certId) : undefined;
    if (orderUrl || ++read >= MAX_VERSIONS) break;
  }
  if (!orderUrl) return {};

  const found = orderUrl;
  const dropped = await findCommitThatDropped(
    tip,
    name,
    (lineage) => orderReplacing(lineage, certId) === found,
  );
  return {
    orderUrl,
    lostInCommit: dropped ? { sha: dropped.commit, subject: dropped.subject } : undefined,
  };
}

function orderReplacing(lineage: Lineage, certId: string): string | undefined {
  if (lineage.pendingOrder?.replaces === certId) return lineage.pendingOrder.orderUrl;
  return lineage.certificates.find((certificate) => certificate.replaces === certId)?.orderUrl;
}

function isGitStore(store: LineageStore): store is GitLineageStore {
  return typeof (store as Partial<GitLineageStore>).fetchState === 'function';
}
