import type { ChallengeSolver } from '../acme/authorizations.js';
import { classifyReplacesRefusal, type RefusalKind } from '../acme/refusal.js';
import { type AcmeOrder, identifiersFor, placeOrder } from '../acme/order.js';
import { AcmeProblemError, describeProblem } from '../acme/problem.js';
import type { AcmeSession } from '../acme/session.js';
import {
  blockReplaces,
  currentCertificate,
  journalPendingOrder,
  markReplaced,
} from '../lineage/lineage.js';
import type { Lineage, PendingOrder, ReplacesBlock } from '../lineage/types.js';
import type { CertificateSpec } from '../manifest/types.js';
import type { ReplacementIncident } from '../report/incident.js';
import type { Assessment } from './assess.js';
import { completeOrder } from './complete-order.js';
import type { CertificateResult, RunContext } from './context.js';
import { commitLineage, solverFor } from './helpers.js';
import { recordCompletedOrder } from './record.js';
import { findLostReplacement } from './forensics.js';
import { resumePendingOrder } from './recover.js';
import { decideReplaces } from './replaces.js';

const BLOCK_REASON: Record<RefusalKind, ReplacesBlock['reason']> = {
  'already-replaced': 'already-replaced',
  'account-changed': 'account-changed',
  'ca-changed': 'ca-changed',
  'replaces-unsupported': 'no-ari',
};

interface PlacedOrder {
  /** Order to complete; absent when a recovered order already produced this run's certificate. */
  order?: AcmeOrder;
  /** Result of a recovered order that needs nothing more. */
  recovered?: CertificateResult;
  replaces: string | null;
  incident?: ReplacementIncident;
}

/**
 * Orders, validates and records a new certificate for `spec`. The order URL is
 * committed before finalization (write-ahead), so a run that dies later leaves it
 * for the next run to recover.
 */
export async function issueCertificate(
  context: RunContext,
  spec: CertificateSpec,
  lineage: Lineage | undefined,
  assessment: Assessment,
): Promise<CertificateResult> {
  // The DNS provider reads its credentials now, so a missing one fails the certificate
  // before an order is placed at the CA.
  const solve = solverFor(context, spec);
  const session = await context.session(spec.ca.directoryUrl);
  const offered = session.directory.meta?.profiles;
  if (spec.profile && offered && !Object.hasOwn(offered, spec.profile)) {
    throw new Error(
      `the CA offers no profile '${spec.profile}' (it offers: ${Object.keys(offered).join(', ') || 'none'}). ` +
        'Set profile in the manifest to one of them, or remove it to get the CA default.',
    );
  }

  // Another run may have journaled an order since this run read the lineage; ordering
  // again would place a second replacement (RFC 9773 allows one).
  const fresh = await context.store.read(spec.name);
  const freshCurrent = fresh ? currentCertificate(fresh) : undefined;
  if (freshCurrent?.serial !== assessment.current?.serial) {
    throw new Error(
      `another run recorded certificate ${freshCurrent?.serial} while this run was deciding; this run orders nothing. ` +
        'Run one renewal at a time (a concurrency group in the workflow).',
    );
  }
  if (fresh?.pendingOrder) {
    throw new Error(
      `another run journaled order ${fresh.pendingOrder.orderUrl} for this certificate while this run was deciding; ` +
        'this run leaves it to that run. Run one renewal at a time (a concurrency group in the workflow).',
    );
  }

  const placed = await placeOrderFor(context, session, spec, lineage, assessment);
  if (placed.recovered) return placed.recovered;
  const order = placed.order as AcmeOrder;
  return withIncident(placed.incident, () =>
    completePlacedOrder(context, session, spec, assessment, placed, order, solve),
  );
}

/**
 * Runs `step` and, when it fails after a refusal of `replaces`, attaches the incident
 * to the error, so the operator still hears about the refusal. Without this, the run
 * that recorded the refusal and then failed would be the last to mention it: later
 * runs no longer send `replaces` and are never refused again.
 */
async function withIncident<T>(
  incident: ReplacementIncident | undefined,
  step: () => Promise<T>,
): Promise<T> {
  try {
    return await step();
  } catch (error) {
    if (incident && error instanceof Error)
      (error as Error & { incident?: ReplacementIncident }).incident = incident;
    throw error;
  }
}

/** Journals, validates, finalizes and records an order that was just placed. */
async function completePlacedOrder(
  context: RunContext,
  session: AcmeSession,
  spec: CertificateSpec,
  assessment: Assessment,
  placed: PlacedOrder,
  order: AcmeOrder,
  solve: ChallengeSolver,
): Promise<CertificateResult> {
  await journalOrder(context, spec.name, {
    orderUrl: order.url,
    directoryUrl: session.directoryUrl,
    accountUrl: session.accountUrl,
    identifiers: spec.domains,
    profile: spec.profile,
    replaces: placed.replaces,
    startedAt: context.now().toISOString(),
  });

  const completed = await completeOrder(
    session,
    order,
    spec,
    solve,
    context.logger,
    context.settings.orderTimeoutMs,
  );
  const result = await recordCompletedOrder(context, session, spec, completed, placed.replaces);
  if (placed.incident) {
    if (placed.incident.action.kind === 'recovered-journaled-order') {
      placed.incident.action.followUp = {
        serial: result.status.newSerial,
        orderUrl: order.url,
        replaces: placed.replaces,
      };
    }
    if (placed.incident.action.kind === 'none') {
      placed.incident.action = {
        kind: 'ordered-without-replaces',
        newSerial: result.status.newSerial,
        orderUrl: order.url,
      };
    }
    placed.incident.links.stateCommitUrl = result.commit?.url;
  }
  return {
    ...result,
    status: {
      ...result.status,
      currentSerial: assessment.current?.serial,
      reason: assessment.status.reason,
    },
    incident: placed.incident,
    renewedCleanly: !placed.incident,
  };
}

/**
 * Commits the write-ahead record of `pending`. When a concurrent run journaled its own
 * order first, the lineage keeps that one and this run stops with an explanation.
 * This run's order then stays unrecorded and expires at the CA.
 */
async function journalOrder(
  context: RunContext,
  name: string,
  pending: PendingOrder,
): Promise<void> {
  try {
    await commitLineage(context, name, `Journal order for ${name}`, (current) =>
      journalPendingOrder(current, pending),
    );
  } catch (error) {
    const lineage = await context.store.read(name);
    const other = lineage?.pendingOrder;
    if (!other || other.orderUrl === pending.orderUrl) throw error;
    throw new Error(
      `another run journaled order ${other.orderUrl} for this certificate at the same time; the lineage keeps that ` +
        `order and this run's order ${pending.orderUrl} is left to expire. Run one renewal at a time (a concurrency group in the workflow).`,
      { cause: error },
    );
  }
}

/**
 * Places the order with `replaces` when RFC 9773's conditions hold. When the CA
 * rejects `replaces`, records why (so it is not sent again) and orders once more
 * without it, unless the manifest sets `on-already-replaced: fail`.
 */
async function placeOrderFor(
  context: RunContext,
  session: AcmeSession,
  spec: CertificateSpec,
  lineage: Lineage | undefined,
  assessment: Assessment,
): Promise<PlacedOrder> {
  const identifiers = identifiersFor(spec.domains);
  const current = assessment.current;
  const refused = lineage?.replacesBlocks?.find(
    (block) => block.certId === current?.certId && block.reason === 'already-replaced',
  );
  if (refused && current?.replacedBy?.unknownOrder && spec.onAlreadyReplaced === 'fail') {
    throw new Error(
      `the CA reported at ${refused.at} that certificate ${current.serial} already has a replacement order, and the ` +
        'manifest sets on-already-replaced: fail, so nothing is ordered until you apply a fix from the incident issue ' +
        'or set on-already-replaced: fallback',
    );
  }
  const decision = decideReplaces(spec, lineage, current, {
    directoryUrl: session.directoryUrl,
    accountUrl: session.accountUrl,
    hasRenewalInfo: Boolean(session.directory.renewalInfo),
  });
  if (!decision.certId) {
    context.logger.info(`${spec.name}: ordering without replaces: ${decision.omittedBecause}`);
    return {
      order: await placeOrder(session, { identifiers, profile: spec.profile }),
      replaces: null,
    };
  }

  try {
    const order = await placeOrder(session, {
      identifiers,
      profile: spec.profile,
      replaces: decision.certId,
    });
    context.logger.info(`${spec.name}: ordered ${order.url} replacing ${decision.certId}`);
    return { order, replaces: decision.certId };
  } catch (error) {
    const kind = error instanceof AcmeProblemError ? classifyReplacesRefusal(error.problem) : null;
    if (!kind || !(error instanceof AcmeProblemError)) throw error;
    return fallBackWithoutReplaces(
      context,
      session,
      spec,
      assessment,
      decision.certId,
      kind,
      error,
    );
  }
}

async function fallBackWithoutReplaces(
  context: RunContext,
  session: AcmeSession,
  spec: CertificateSpec,
  assessment: Assessment,
  certId: string,
  kind: RefusalKind,
  error: AcmeProblemError,
): Promise<PlacedOrder> {
  const now = context.now();
  const current = assessment.current;
  context.logger.warning(
    `${spec.name}: the CA rejected replaces=${certId}: ${describeProblem(error.problem)} (${kind})`,
  );

  const lost =
    kind === 'already-replaced' ? await findLostReplacement(context.store, spec.name, certId) : {};
  const incident: ReplacementIncident = {
    certificate: spec.name,
    cause: kind,
    problem: {
      status: error.problem.status,
      type: error.problem.type,
      detail: error.problem.detail,
    },
    at: now,
    lineage: { serial: current?.serial ?? '', certId, lostInCommit: lost.lostInCommit },
    action: { kind: 'none' },
    links: {},
    policy: spec.onAlreadyReplaced,
  };

  if (lost.orderUrl) {
    const recovered = await recoverLostOrder(
      context,
      session,
      spec,
      lost.orderUrl,
      certId,
      incident,
    );
    if (recovered) return recovered;
  }

  await commitLineage(
    context,
    spec.name,
    `Record that the CA rejected replaces for ${spec.name}`,
    (lineage) => {
      let next = blockReplaces(lineage, {
        certId,
        reason: BLOCK_REASON[kind],
        at: now.toISOString(),
        detail: error.problem.detail,
      });
      const stillThere =
        current && next.certificates.find((certificate) => certificate.serial === current.serial);
      if (kind === 'already-replaced' && current && stillThere && !stillThere.replacedBy) {
        next = markReplaced(next, current.serial, { at: now.toISOString(), unknownOrder: true });
      }
      return next;
    },
  );

  if (kind === 'already-replaced' && spec.onAlreadyReplaced === 'fail') {
    const failure = new Error(
      `${spec.name}: the CA reports that certificate ${current?.serial} already has a replacement order, ` +
        'and the manifest sets on-already-replaced: fail, so nothing was ordered',
    );
    (failure as Error & { incident?: ReplacementIncident }).incident = incident;
    throw failure;
  }

  const order = await withIncident(incident, () =>
    placeOrder(session, { identifiers: identifiersFor(spec.domains), profile: spec.profile }),
  );
  context.logger.info(`${spec.name}: ordered ${order.url} without replaces after the refusal`);
  return { order, replaces: null, incident };
}

/**
 * Resumes the order an older version of the lineage recorded as the replacement of
 * `certId`. When it yields a certificate with its key, that is this run's renewal.
 * When the key is lost, the recovered certificate joins the lineage and the new order
 * replaces it instead, which keeps the chain of `replaces` unbroken.
 */
async function recoverLostOrder(
  context: RunContext,
  session: AcmeSession,
  spec: CertificateSpec,
  orderUrl: string,
  certId: string,
  incident: ReplacementIncident,
): Promise<PlacedOrder | undefined> {
  context.logger.info(
    `${spec.name}: the state history names order ${orderUrl} as the replacement of ${certId}; recovering it`,
  );
  const pending = {
    orderUrl,
    directoryUrl: session.directoryUrl,
    accountUrl: session.accountUrl,
    identifiers: spec.domains,
    profile: spec.profile,
    replaces: certId,
    startedAt: context.now().toISOString(),
  };
  const recovered = await resumePendingOrder(context, spec, pending);
  if (!recovered) return undefined;

  incident.action = {
    kind: 'recovered-journaled-order',
    newSerial: recovered.status.newSerial,
    orderUrl,
  };
  if (recovered.files) return { recovered: { ...recovered, incident }, replaces: certId, incident };

  const lineage = await context.store.read(spec.name);
  const successor = lineage ? currentCertificate(lineage) : undefined;
  const identifiers = identifiersFor(spec.domains);
  if (successor?.certId) {
    try {
      const order = await placeOrder(session, {
        identifiers,
        profile: spec.profile,
        replaces: successor.certId,
      });
      context.logger.info(
        `${spec.name}: ordered ${order.url} replacing the recovered certificate ${successor.serial}`,
      );
      return { order, replaces: successor.certId, incident };
    } catch (error) {
      if (!(error instanceof AcmeProblemError) || !classifyReplacesRefusal(error.problem))
        throw error;
      context.logger.warning(
        `${spec.name}: the CA rejected replaces=${successor.certId} too: ${describeProblem(error.problem)}`,
      );
    }
  }
  const order = await placeOrder(session, { identifiers, profile: spec.profile });
  return { order, replaces: null, incident };
}
