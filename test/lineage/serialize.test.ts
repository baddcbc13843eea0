import { describe, expect, it } from 'vitest';

import { LineageFormatError, parseLineage, serializeLineage } from '../../src/lineage/serialize.js';
import type { Lineage } from '../../src/lineage/types.js';
import { certificate, lineageWith, pendingOrder } from './fixtures.js';

const FILE = 'www/lineage.json';

function fullLineage(): Lineage {
  return {
    ...lineageWith('www', [
      certificate('0a', {
        replacedBy: {
          at: '2026-12-01T00:00:00Z',
          serial: '0b',
          orderUrl: 'https://127.0.0.1:14000/my-order/0b',
        },
        ari: {
          checkedAt: '2026-11-20T00:00:00Z',
          suggestedWindow: { start: '2026-12-01T00:00:00Z', end: '2026-12-03T00:00:00Z' },
          chosenRenewalTime: '2026-12-02T04:00:00Z',
          error: { message: 'timed out', at: '2026-11-19T00:00:00Z', lasting: false, attempts: 2 },
        },
      }),
      certificate('0b', {
        profile: 'shortlived',
        replaces: 'aYhba4dGQEHhs3uEe6CuLN4ByNQ.AIdlQyE',
        keyLost: true,
      }),
    ]),
    pendingOrder: pendingOrder('https://127.0.0.1:14000/my-order/9'),
    replacesBlocks: [
      {
        certId: 'aYhba4dGQEHhs3uEe6CuLN4ByNQ.AIdlQyE',
        reason: 'already-replaced',
        at: '2026-12-01T00:00:00Z',
      },
    ],
  };
}

function parseError(text: string): LineageFormatError {
  try {
    parseLineage(text, FILE);
  } catch (error) {
    if (error instanceof LineageFormatError) return error;
    throw error;
  }
  throw new Error('parseLineage accepted the text');
}

function withField(path: (string | number)[], value: unknown): string {
  const document = JSON.parse(serializeLineage(fullLineage())) as Record<string, unknown>;
  let target: Record<string | number, unknown> = document;
  for (const key of path.slice(0, -1)) target = target[key] as Record<string | number, unknown>;
  target[path[path.length - 1] as string | number] = value;
  return JSON.stringify(document);
}

describe('lineage serialization', () => {
  it('round-trips a full lineage', () => {
    const lineage = fullLineage();

    expect(parseLineage(serializeLineage(lineage), FILE)).toEqual(lineage);
  });

  it('writes 2-space JSON with a trailing newline', () => {
    const text = serializeLineage(lineageWith('www', []));

    expect(text).toBe('{\n  "schemaVersion": 1,\n  "name": "www",\n  "certificates": []\n}\n');
  });

  it('orders keys as the types declare them', () => {
    const record = certificate('0a');
    const shuffled = Object.fromEntries(Object.entries(record).reverse()) as typeof record;

    const text = serializeLineage({
      certificates: [shuffled],
      name: 'www',
      schemaVersion: 1,
    } as Lineage);

    const parsed = JSON.parse(text) as { certificates: Record<string, unknown>[] };
    expect(Object.keys(parsed)).toEqual(['schemaVersion', 'name', 'certificates']);
    expect(Object.keys(parsed.certificates[0] ?? {})).toEqual(Object.keys(record));
    expect(text).toBe(serializeLineage(lineageWith('www', [record])));
  });

  it('leaves out absent optional fields', () => {
    const record = { ...certificate('0a'), profile: undefined };

    const text = serializeLineage(lineageWith('www', [record]));

    expect(text).not.toContain('profile');
    expect(text).not.toContain('pendingOrder');
  });

  it('rejects a newer schema version with an upgrade hint', () => {
    const error = parseError(withField(['schemaVersion'], 2));

    expect(error.file).toBe(FILE);
    expect(error.field).toBe('schemaVersion');
    expect(error.message).toBe(
      'Lineage file www/lineage.json has schemaVersion 2, written by a newer acme-lineage; ' +
        'this release reads only version 1. Upgrade acme-lineage to the release that wrote it.',
    );
  });

  it('rejects unknown or missing schema versions', () => {
    expect(parseError(withField(['schemaVersion'], 0)).message).toMatch(
      /^Invalid lineage file www\/lineage.json: schemaVersion 0 is unknown; expected 1\./,
    );
    expect(parseError(withField(['schemaVersion'], '1')).message).toMatch(
      /schemaVersion "1" is unknown/,
    );
    expect(parseError(withField(['schemaVersion'], undefined)).message).toMatch(
      /^Invalid lineage file www\/lineage.json: schemaVersion is missing\./,
    );
  });

  it('names the file for invalid JSON', () => {
    const error = parseError('{"schemaVersion": 1,');

    expect(error.file).toBe(FILE);
    expect(error.field).toBeUndefined();
    expect(error.message).toMatch(/^Invalid lineage file www\/lineage.json: not valid JSON \(/);
  });

  it('names a missing required field', () => {
    const error = parseError(withField(['certificates', 1, 'serial'], undefined));

    expect(error.field).toBe('certificates[1].serial');
    expect(error.message).toBe(
      'Invalid lineage file www/lineage.json: certificates[1].serial is missing.',
    );
  });

  it('names fields of the wrong type', () => {
    const cases: [(string | number)[], unknown, string][] = [
      [['name'], 5, 'name must be a string, not number 5'],
      [['certificates'], {}, 'certificates must be a list, not an object'],
      [
        ['certificates', 0, 'certId'],
        7,
        'certificates[0].certId must be a string or null, not number 7',
      ],
      [
        ['certificates', 0, 'identifiers', 1],
        null,
        'certificates[0].identifiers[1] must be a string, not null',
      ],
      [
        ['certificates', 0, 'serial'],
        '0A',
        'certificates[0].serial must be lower-case hexadecimal',
      ],
      [
        ['certificates', 0, 'notAfter'],
        'soon',
        'certificates[0].notAfter must be an RFC 3339 timestamp',
      ],
      [
        ['certificates', 0, 'ari', 'error', 'attempts'],
        1.5,
        'certificates[0].ari.error.attempts must be a whole number',
      ],
      [['certificates', 1, 'keyLost'], 'yes', 'certificates[1].keyLost must be true or false'],
      [['pendingOrder', 'replaces'], undefined, 'pendingOrder.replaces is missing'],
      [
        ['replacesBlocks', 0, 'reason'],
        'gone',
        'replacesBlocks[0].reason must be one of already-replaced',
      ],
    ];

    for (const [path, value, message] of cases) {
      expect(parseError(withField(path, value)).message).toContain(message);
    }
  });

  it('rejects unknown fields', () => {
    const error = parseError(withField(['certificates', 0, 'serail'], '0a'));

    expect(error.field).toBe('certificates[0].serail');
    expect(error.message).toContain('is not a known field; remove it or fix its spelling');
  });

  it('validates what it writes', () => {
    const broken = {
      ...lineageWith('www', []),
      certificates: [{ serial: '0a' }],
    } as unknown as Lineage;

    expect(() => serializeLineage(broken)).toThrow(
      'Invalid lineage file www/lineage.json: certificates[0].certId is missing.',
    );
  });
});
