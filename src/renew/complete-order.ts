import { authorizeOrder, type ChallengeSolver } from '../acme/authorizations.js';
import { createCsrDer, createPrivateKey } from '../acme/keys.js';
import {
  type AcmeOrder,
  assertOrderNotInvalid,
  downloadCertificate,
  fetchOrder,
  finalizeOrder,
  waitForOrder,
} from '../acme/order.js';
import type { AcmeSession } from '../acme/session.js';
import type { Logger } from '../log.js';
import type { CertificateSpec } from '../manifest/types.js';

/** A certificate chain from a valid order, with its key when this process made the CSR. */
export interface CompletedOrder {
  order: AcmeOrder;
  chainPem: string;
  /** Undefined when the order was finalized by an earlier run whose key is gone. */
  privateKeyPem?: string;
}

/**
 * Drives an order from whatever status it has to `valid` (RFC 8555 section 7.1.6):
 * pending → solve DNS-01, ready → finalize with a fresh key, processing → wait,
 * valid → download, invalid → throw the order's problem document.
 */
export async function completeOrder(
  session: AcmeSession,
  order: AcmeOrder,
  spec: CertificateSpec,
  solve: ChallengeSolver,
  logger: Logger,
  timeoutMs: number,
): Promise<CompletedOrder> {
  const poll = { timeoutMs };
  let current = order;
  let privateKeyPem: string | undefined;

  if (current.status === 'pending') {
    await authorizeOrder(session, current, solve, logger, poll);
    current = await waitForOrder(session, current, { ...poll, untilReady: true });
  }
  assertOrderNotInvalid(current);

  if (current.status === 'ready') {
    privateKeyPem = await createPrivateKey(spec.keyType);
    const csr = await createCsrDer(spec.domains, privateKeyPem);
    current = await finalizeKeepingKey(session, current, csr);
  }
  if (current.status === 'processing' || current.status === 'ready') {
    current = await waitForOrder(session, current, {
      ...poll,
      firstDelayMs: privateKeyPem ? 100 : 0,
    });
  }
  assertOrderNotInvalid(current);
  if (current.status !== 'valid') {
    throw new Error(`Order ${current.url} ended in unexpected status ${current.status}`);
  }

  const chainPem = await downloadCertificate(session, current);
  return { order: current, chainPem, privateKeyPem };
}

/**
 * Finalizes the order. When the request fails, fetches the order to see whether the
 * CA applied it anyway (a lost response). The key in hand is then kept for it, instead
 * of being thrown away and a second certificate ordered later.
 */
async function finalizeKeepingKey(
  session: AcmeSession,
  order: AcmeOrder,
  csr: Buffer,
): Promise<AcmeOrder> {
  try {
    return await finalizeOrder(session, order, csr);
  } catch (error) {
    const after = await fetchOrder(session, order.url).catch(() => undefined);
    if (after && (after.status === 'processing' || after.status === 'valid')) return after;
    throw error;
  }
}
