import { describe, expect, it } from 'vitest';

import {
  blockReplaces,
  clearPendingOrder,
  currentCertificate,
  emptyLineage,
  isReplacesBlocked,
  journalPendingOrder,
  markReplaced,
  recordIssued,
} from '../../src/lineage/lineage.js';
import { certificate, lineageWith, pendingOrder } from './fixtures.js';

const ORDER_B = 'https://127.0.0.1:14000/my-order/0b';

describe('lineage helpers', () => {
  it('creates an empty lineage', () => {
    expect(emptyLineage('www')).toEqual({ schemaVersion: 1, name: 'www', certificates: [] });
    expect(currentCertificate(emptyLineage('www'))).toBeUndefined();
  });

  it('treats the last certificate as current', () => {
    const lineage = lineageWith('www', [certificate('0a'), certificate('0b')]);

    expect(currentCertificate(lineage)?.serial).toBe('0b');
  });

  it('records the first certificate without replacedBy', () => {
    const lineage = recordIssued(emptyLineage('www'), certificate('0a'));

    expect(lineage.certificates).toEqual([certificate('0a')]);
  });

  it('points the previous certificate at its replacement', () => {
    const original = lineageWith('www', [certificate('0a')]);
    const next = certificate('0b', { replaces: 'aki.serial-a', issuedAt: '2026-12-01T00:00:00Z' });

    const lineage = recordIssued(original, next);

    expect(lineage.certificates.map((record) => record.serial)).toEqual(['0a', '0b']);
    expect(lineage.certificates[0]?.replacedBy).toEqual({
      at: '2026-12-01T00:00:00Z',
      serial: '0b',
      orderUrl: ORDER_B,
    });
    expect(original.certificates[0]?.replacedBy).toBeUndefined();
  });

  it('points at the replacement of an order without replaces', () => {
    const lineage = recordIssued(
      lineageWith('www', [certificate('0a')]),
      certificate('0b', { replaces: null }),
    );

    expect(lineage.certificates[0]?.replacedBy?.serial).toBe('0b');
  });

  it('keeps a replacement the CA reported for another order', () => {
    const reported = { at: '2026-11-30T00:00:00Z', unknownOrder: true };
    const original = lineageWith('www', [certificate('0a', { replacedBy: reported })]);

    const lineage = recordIssued(original, certificate('0b'));

    expect(lineage.certificates[0]?.replacedBy).toEqual(reported);
    expect(currentCertificate(lineage)?.serial).toBe('0b');
  });

  it('completes a replacement known by its order URL', () => {
    const known = { at: '2026-11-30T00:00:00Z', orderUrl: ORDER_B, unknownOrder: true };
    const original = lineageWith('www', [certificate('0a', { replacedBy: known })]);

    const lineage = recordIssued(original, certificate('0b'));

    expect(lineage.certificates[0]?.replacedBy).toEqual({
      at: '2026-11-30T00:00:00Z',
      serial: '0b',
      orderUrl: ORDER_B,
    });
  });

  it('clears the pending order that produced the certificate', () => {
    const journaled = journalPendingOrder(
      lineageWith('www', [certificate('0a')]),
      pendingOrder(ORDER_B),
    );
    const other = journalPendingOrder(
      emptyLineage('www'),
      pendingOrder('https://127.0.0.1:14000/my-order/9'),
    );

    expect(recordIssued(journaled, certificate('0b')).pendingOrder).toBeUndefined();
    expect(recordIssued(other, certificate('0b')).pendingOrder?.orderUrl).toBe(
      'https://127.0.0.1:14000/my-order/9',
    );
  });

  it('records a serial only once', () => {
    const lineage = recordIssued(lineageWith('www', [certificate('0a')]), certificate('0b'));

    expect(recordIssued(lineage, certificate('0b'))).toBe(lineage);
  });

  it('journals a pending order once', () => {
    const first = journalPendingOrder(emptyLineage('www'), pendingOrder(ORDER_B));
    const again = journalPendingOrder(
      first,
      pendingOrder(ORDER_B, { startedAt: '2026-12-02T00:00:00Z' }),
    );

    expect(first.pendingOrder?.orderUrl).toBe(ORDER_B);
    expect(again.pendingOrder?.startedAt).toBe('2026-12-02T00:00:00Z');
  });

  it('rejects journaling over another pending order', () => {
    const journaled = journalPendingOrder(emptyLineage('www'), pendingOrder(ORDER_B));

    expect(() =>
      journalPendingOrder(journaled, pendingOrder('https://127.0.0.1:14000/my-order/9')),
    ).toThrow(
      `Lineage www already journals order ${ORDER_B} (started 2026-12-01T10:00:00Z). ` +
        'Recover or clear that order before placing another.',
    );
  });

  it('clears a pending order only when the URL matches', () => {
    const journaled = journalPendingOrder(emptyLineage('www'), pendingOrder(ORDER_B));

    expect(clearPendingOrder(journaled, 'https://127.0.0.1:14000/my-order/9')).toBe(journaled);
    expect(clearPendingOrder(journaled, ORDER_B)).toEqual(emptyLineage('www'));
    expect(clearPendingOrder(journaled)).toEqual(emptyLineage('www'));
    expect('pendingOrder' in clearPendingOrder(journaled)).toBe(false);
  });

  it('marks a certificate replaced', () => {
    const original = lineageWith('www', [certificate('0a'), certificate('0b')]);
    const replacedBy = { at: '2026-12-01T00:00:00Z', unknownOrder: true };

    const lineage = markReplaced(original, '0a', replacedBy);

    expect(lineage.certificates[0]?.replacedBy).toEqual(replacedBy);
    expect(lineage.certificates[1]?.replacedBy).toBeUndefined();
    expect(original.certificates[0]?.replacedBy).toBeUndefined();
  });

  it('rejects marking an unknown serial replaced', () => {
    expect(() => markReplaced(emptyLineage('www'), '0a', { at: '2026-12-01T00:00:00Z' })).toThrow(
      'Lineage www has no certificate with serial 0a, so it cannot be marked replaced.',
    );
  });

  it('blocks replaces per certID', () => {
    const first = blockReplaces(emptyLineage('www'), {
      certId: 'a.b',
      reason: 'already-replaced',
      at: '2026-12-01T00:00:00Z',
    });
    const second = blockReplaces(first, {
      certId: 'a.b',
      reason: 'account-changed',
      at: '2026-12-02T00:00:00Z',
    });

    expect(isReplacesBlocked(emptyLineage('www'), 'a.b')).toBe(false);
    expect(isReplacesBlocked(second, 'a.b')).toBe(true);
    expect(isReplacesBlocked(second, 'c.d')).toBe(false);
    expect(second.replacesBlocks).toEqual([
      { certId: 'a.b', reason: 'account-changed', at: '2026-12-02T00:00:00Z' },
    ]);
  });
});
