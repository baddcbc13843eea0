import {
  LINEAGE_SCHEMA_VERSION,
  type CertificateRecord,
  type Lineage,
  type PendingOrder,
  type ReplacedBy,
  type ReplacesBlock,
} from './types.js';

/*
 * Pure helpers on Lineage. Each returns a new lineage and leaves its argument
 * unchanged, so they are safe inside LineageStore.update, which may call its
 * change function more than once.
 */

/** Returns the current certificate (the last one issued), or undefined for a new lineage. */
export function currentCertificate(lineage: Lineage): CertificateRecord | undefined {
  return lineage.certificates[lineage.certificates.length - 1];
}

/** Creates the lineage of a certificate name that has no certificate yet. */
export function emptyLineage(name: string): Lineage {
  return { schemaVersion: LINEAGE_SCHEMA_VERSION, name, certificates: [] };
}

/**
 * Appends `record` as the new current certificate. The previous current certificate
 * gets `replacedBy` pointing at it, whether or not the order carried `replaces`,
 * because the lineage moves on to the new certificate in both cases. A `replacedBy`
 * that the previous certificate already has is kept when it names another order or
 * serial, or an order the lineage never recorded (`unknownOrder`), because that is what
 * the CA reported. When it names this record's order or serial, it is completed.
 * A pending order with the record's order URL is cleared, since it is finished.
 * Recording a serial that the lineage already contains returns the lineage
 * unchanged, so a certificate recovered twice is listed once.
 */
export function recordIssued(lineage: Lineage, record: CertificateRecord): Lineage {
  if (lineage.certificates.some((certificate) => certificate.serial === record.serial))
    return lineage;

  const previous = currentCertificate(lineage);
  const certificates = lineage.certificates.slice(0, -1);
  if (previous) certificates.push(withReplacement(previous, record));
  certificates.push(record);

  const updated: Lineage = { ...lineage, certificates };
  return record.orderUrl === lineage.pendingOrder?.orderUrl ? clearPendingOrder(updated) : updated;
}

function withReplacement(
  previous: CertificateRecord,
  record: CertificateRecord,
): CertificateRecord {
  const known = previous.replacedBy;
  const replacement: ReplacedBy = {
    at: record.issuedAt,
    serial: record.serial,
    orderUrl: record.orderUrl,
  };
  if (!known) return { ...previous, replacedBy: replacement };

  let sameReplacement: boolean;
  if (known.orderUrl !== undefined) sameReplacement = known.orderUrl === record.orderUrl;
  else if (known.serial !== undefined) sameReplacement = known.serial === record.serial;
  else sameReplacement = known.unknownOrder !== true;
  if (!sameReplacement) return previous;

  const completed: ReplacedBy = { ...known, serial: record.serial, orderUrl: record.orderUrl };
  delete completed.unknownOrder;
  return { ...previous, replacedBy: completed };
}

/**
 * Records `order` as in flight, before finalization, so a run that dies afterwards
 * leaves its URL for the next run to recover. Journaling the same order URL again
 * replaces the entry. Throws when another order is journaled, because overwriting
 * it would lose the only pointer to a certificate the CA may already have issued.
 */
export function journalPendingOrder(lineage: Lineage, order: PendingOrder): Lineage {
  const pending = lineage.pendingOrder;
  if (pending && pending.orderUrl !== order.orderUrl) {
    throw new Error(
      `Lineage ${lineage.name} already journals order ${pending.orderUrl} (started ${pending.startedAt}). ` +
        'Recover or clear that order before placing another.',
    );
  }
  return { ...lineage, pendingOrder: order };
}

/**
 * Removes the pending order. With `orderUrl`, removes it only when it is that order,
 * so a run never clears an order that another run journaled meanwhile.
 */
export function clearPendingOrder(lineage: Lineage, orderUrl?: string): Lineage {
  if (!lineage.pendingOrder) return lineage;
  if (orderUrl !== undefined && lineage.pendingOrder.orderUrl !== orderUrl) return lineage;

  const updated = { ...lineage };
  delete updated.pendingOrder;
  return updated;
}

/**
 * Sets `replacedBy` of the certificate with `serial`, replacing any earlier value.
 * Throws when the lineage has no certificate with that serial.
 */
export function markReplaced(lineage: Lineage, serial: string, replacedBy: ReplacedBy): Lineage {
  const index = lineage.certificates.findIndex((certificate) => certificate.serial === serial);
  if (index < 0) {
    throw new Error(
      `Lineage ${lineage.name} has no certificate with serial ${serial}, so it cannot be marked replaced.`,
    );
  }

  const certificates = lineage.certificates.map((certificate, position) =>
    position === index ? { ...certificate, replacedBy } : certificate,
  );
  return { ...lineage, certificates };
}

/** Adds `block` to the replaces blocks, replacing an earlier block of the same certID. */
export function blockReplaces(lineage: Lineage, block: ReplacesBlock): Lineage {
  const others = (lineage.replacesBlocks ?? []).filter(
    (existing) => existing.certId !== block.certId,
  );
  return { ...lineage, replacesBlocks: [...others, block] };
}

/** Returns whether `certId` must not be sent as `replaces` again. */
export function isReplacesBlocked(lineage: Lineage, certId: string): boolean {
  return (lineage.replacesBlocks ?? []).some((block) => block.certId === certId);
}
