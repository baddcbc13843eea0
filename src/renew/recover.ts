import { fetchOrder } from '../acme/order.js';
import { AcmeProblemError, describeProblem } from '../acme/problem.js';
import { clearPendingOrder, markReplaced } from '../lineage/lineage.js';
import type { Lineage, PendingOrder } from '../lineage/types.js';
import type { CertificateSpec } from '../manifest/types.js';
import { completeOrder } from './complete-order.js';
import type { CertificateResult, RunContext } from './context.js';
import { commitLineage, solverFor } from './helpers.js';
import { recordCompletedOrder } from './record.js';

/**
 * Resumes an order that an earlier run journaled and never recorded. A `valid` order
 * is downloaded and recorded with its key marked as lost, because the key died with
 * that run, so the certificate is renewed next. A `ready` order is finalized with a
 * fresh key, a `pending` one is solved, and `invalid` or vanished orders are dropped.
 * Returns undefined when nothing was recovered.
 */
export async function resumePendingOrder(
  context: RunContext,
  spec: CertificateSpec,
  pending: PendingOrder,
): Promise<CertificateResult | undefined> {
  const { logger } = context;
  if (pending.directoryUrl !== spec.ca.directoryUrl) {
    logger.warning(
      `${spec.name}: dropping journaled order ${pending.orderUrl}: it belongs to another CA (${pending.directoryUrl})`,
    );
    await dropJournal(context, spec.name, pending.orderUrl);
    return undefined;
  }

  const session = await context.session(spec.ca.directoryUrl);
  if (session.accountUrl !== pending.accountUrl) {
    logger.warning(
      `${spec.name}: dropping journaled order ${pending.orderUrl}: another account placed it`,
    );
    await dropJournal(context, spec.name, pending.orderUrl);
    return undefined;
  }

  let order;
  try {
    order = await fetchOrder(session, pending.orderUrl);
  } catch (error) {
    if (error instanceof AcmeProblemError && error.problem.status === 404) {
      logger.warning(
        `${spec.name}: journaled order ${pending.orderUrl} no longer exists (${describeProblem(error.problem)}); dropping it`,
      );
      await dropJournal(context, spec.name, pending.orderUrl);
      return undefined;
    }
    throw error;
  }

  const ordered = order.identifiers.map((identifier) => identifier.value).sort();
  const wanted = [...spec.domains].sort();
  if (ordered.join(' ') !== wanted.join(' ')) {
    logger.warning(
      `${spec.name}: dropping journaled order ${order.url}: it is for ${ordered.join(', ')}, ` +
        `but the manifest now lists ${wanted.join(', ')}`,
    );
    await dropJournal(
      context,
      spec.name,
      pending.orderUrl,
      order.status === 'invalid' ? undefined : pending,
    );
    return undefined;
  }

  const expired = order.expires !== undefined && new Date(order.expires) <= context.now();
  if (order.status === 'invalid' || (expired && order.status !== 'valid')) {
    logger.info(
      `${spec.name}: journaled order ${order.url} is ${expired ? 'expired' : 'invalid'}; dropping it`,
    );
    await dropJournal(context, spec.name, pending.orderUrl);
    return undefined;
  }

  logger.info(`${spec.name}: resuming journaled order ${order.url} (status ${order.status})`);
  const completed = await completeOrder(
    session,
    order,
    spec,
    solverFor(context, spec),
    logger,
    context.settings.orderTimeoutMs,
  );
  const recorded = await recordCompletedOrder(context, session, spec, completed, pending.replaces);
  const result = {
    ...recorded,
    status: {
      ...recorded.status,
      reason: `resumed order ${order.url} that an earlier run journaled`,
    },
  };
  if (!completed.privateKeyPem) {
    logger.warning(
      `${spec.name}: recovered certificate ${result.status.newSerial} from order ${order.url}, but its private key was lost with the run that finalized it; renewing it now`,
    );
  }
  return result;
}

/**
 * Removes the write-ahead record. When the dropped order still counts as a replacement
 * at the CA, the replaced certificate is marked, so no later order names it again and
 * meets "already replaced".
 */
async function dropJournal(
  context: RunContext,
  name: string,
  orderUrl: string,
  stillReplacing?: PendingOrder,
): Promise<void> {
  await commitLineage(context, name, `Drop the journaled order of ${name}`, (lineage: Lineage) => {
    const cleared = clearPendingOrder(lineage, orderUrl);
    const replaced = stillReplacing?.replaces
      ? cleared.certificates.find((certificate) => certificate.certId === stillReplacing.replaces)
      : undefined;
    if (!replaced || replaced.replacedBy || !stillReplacing) return cleared;
    return markReplaced(cleared, replaced.serial, {
      at: context.now().toISOString(),
      orderUrl: stillReplacing.orderUrl,
    });
  });
}
