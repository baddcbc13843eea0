import type { CertificateRecord, Lineage } from '../lineage/types.js';
import type { CertificateSpec } from '../manifest/types.js';

export interface ReplacesDecision {
  /** certID to send as `replaces`, or undefined to order without it. */
  certId?: string;
  /** Reason `replaces` is left out, for the log; undefined when it is sent. */
  omittedBecause?: string;
}

/**
 * Decides whether a new order names `current` in `replaces` (RFC 9773 section 5).
 * All must be true. The CA has ARI and the manifest allows it. The old certificate
 * has a certID, came from this CA and this account, and shares an identifier with the
 * new order. It is not already replaced or blocked by an earlier rejection.
 */
export function decideReplaces(
  spec: CertificateSpec,
  lineage: Lineage | undefined,
  current: CertificateRecord | undefined,
  ca: { directoryUrl: string; accountUrl: string; hasRenewalInfo: boolean },
): ReplacesDecision {
  if (!current) return { omittedBecause: 'no earlier certificate in the lineage' };
  if (spec.replaces === 'never') return { omittedBecause: 'the manifest sets replaces: never' };
  if (!spec.ari) return { omittedBecause: 'the manifest sets ari: false' };
  if (!ca.hasRenewalInfo)
    return { omittedBecause: 'the CA directory has no renewalInfo, so the CA has no ARI' };
  if (!current.certId)
    return { omittedBecause: `certificate ${current.serial} has no Authority Key Identifier` };
  if (current.directoryUrl !== ca.directoryUrl) {
    return {
      omittedBecause: `certificate ${current.serial} came from another CA (${current.directoryUrl})`,
    };
  }
  if (current.accountUrl !== ca.accountUrl) {
    return {
      omittedBecause: `certificate ${current.serial} was ordered by another account (${current.accountUrl})`,
    };
  }
  if (!current.identifiers.some((identifier) => spec.domains.includes(identifier))) {
    return {
      omittedBecause: `certificate ${current.serial} shares no identifier with the new order`,
    };
  }
  if (current.replacedBy)
    return { omittedBecause: `certificate ${current.serial} is already replaced` };

  const block = lineage?.replacesBlocks?.find((candidate) => candidate.certId === current.certId);
  if (block)
    return {
      omittedBecause: `the CA rejected replaces for ${current.certId} before (${block.reason})`,
    };

  return { certId: current.certId };
}
