import { describe, expect, it } from 'vitest';

import {
  classifyReplacesRefusal,
  type AcmeProblem,
  type RefusalKind,
} from '../../src/acme/refusal.js';

const PREFIX = 'urn:ietf:params:acme:error:';
const BOULDER_DETAIL =
  'Could not validate ARI \'replaces\' field :: cannot indicate an order replaces certificate with serial "04a1b2c3d4", which already has a replacement order';

interface Row {
  server: string;
  problem: AcmeProblem;
  expected: RefusalKind | null;
}

const rows: Row[] = [
  {
    server: 'RFC 9773',
    problem: { status: 409, type: `${PREFIX}alreadyReplaced` },
    expected: 'already-replaced',
  },
  {
    server: 'Boulder since 2025-03, already replaced',
    problem: { status: 409, type: `${PREFIX}alreadyReplaced`, detail: BOULDER_DETAIL },
    expected: 'already-replaced',
  },
  {
    server: 'Boulder since 2025-03, unknown serial',
    problem: {
      status: 404,
      type: `${PREFIX}malformed`,
      detail:
        'Could not validate ARI \'replaces\' field :: while checking that this order is a replacement: request included `replaces` field, but no current certificate with serial "04a1b2" exists',
    },
    expected: 'ca-changed',
  },
  {
    server: 'Boulder since 2025-03, unknown issuer',
    problem: {
      status: 404,
      type: `${PREFIX}malformed`,
      detail: 'path contained an Authority Key Identifier that did not match a known issuer',
    },
    expected: 'ca-changed',
  },
  {
    server: 'Boulder since 2025-03, other account',
    problem: {
      status: 403,
      type: `${PREFIX}unauthorized`,
      detail:
        "Could not validate ARI 'replaces' field :: while checking that this order is a replacement: requester account did not request the certificate being replaced by this order",
    },
    expected: 'account-changed',
  },
  {
    server: 'Boulder since 2025-03, bad certID syntax',
    problem: {
      status: 400,
      type: `${PREFIX}malformed`,
      detail:
        "Could not validate ARI 'replaces' field :: while parsing ARI CertID an error occurred",
    },
    expected: 'replaces-unsupported',
  },
  {
    server: 'Boulder 2024-03 to 2025-03',
    problem: { status: 409, type: `${PREFIX}conflict`, detail: BOULDER_DETAIL },
    expected: 'already-replaced',
  },
  {
    server: 'Pebble 2.6 to 2.9, already replaced',
    problem: {
      status: 409,
      type: `${PREFIX}malformed`,
      detail:
        'cannot indicate an order replaces certificate with serial "5a3e", which already has a replacement order',
    },
    expected: 'already-replaced',
  },
  {
    server: 'Pebble 2.6 and later, unknown serial',
    problem: {
      status: 500,
      type: `${PREFIX}serverInternal`,
      detail:
        'could not find an order for the given certificate: could not find order resulting in the given certificate serial number',
    },
    expected: 'ca-changed',
  },
  {
    server: 'Pebble 2.10, already replaced',
    problem: {
      status: 409,
      type: `${PREFIX}alreadyReplaced`,
      detail: 'certificate with serial 1b8396572f7d2771 already has a replacement order',
    },
    expected: 'already-replaced',
  },
  {
    server: 'Pebble 2.10, unknown issuer',
    problem: {
      status: 400,
      type: `${PREFIX}malformed`,
      detail:
        'parsing ARI CertID failed: urn:ietf:params:acme:error:malformed :: no known issuer matches the provided Authority Key Identifier ',
    },
    expected: 'ca-changed',
  },
  {
    server: 'Pebble 2.10, other account',
    problem: {
      status: 403,
      type: `${PREFIX}unauthorized`,
      detail: 'requester account did not request the certificate being replaced by this order',
    },
    expected: 'account-changed',
  },
  {
    server: 'other CAs (Actalis)',
    problem: {
      status: 400,
      type: `${PREFIX}malformed`,
      detail: 'The replaces field is not supported',
    },
    expected: 'replaces-unsupported',
  },
  {
    server: 'other CAs, already been replaced at any status',
    problem: {
      status: 400,
      type: `${PREFIX}malformed`,
      detail: 'Certificate has already been replaced',
    },
    expected: 'already-replaced',
  },
  {
    server: 'type without the ACME prefix',
    problem: { status: 409, type: 'alreadyReplaced' },
    expected: 'already-replaced',
  },
  {
    server: 'Boulder 2024 conflict without a detail',
    problem: { status: 409, type: 'conflict' },
    expected: 'already-replaced',
  },
];

const negativeRows: Row[] = [
  {
    server: 'rate limited',
    problem: { status: 429, type: `${PREFIX}rateLimited`, detail: 'too many new orders recently' },
    expected: null,
  },
  {
    server: 'bad nonce',
    problem: {
      status: 400,
      type: `${PREFIX}badNonce`,
      detail: 'JWS has an invalid anti-replay nonce',
    },
    expected: null,
  },
  {
    server: '409 about a key in use',
    problem: {
      status: 409,
      type: `${PREFIX}conflict`,
      detail: 'New key is already in use for a different account',
    },
    expected: null,
  },
  {
    server: 'server failure unrelated to the serial',
    problem: { status: 500, type: `${PREFIX}serverInternal`, detail: 'database timed out' },
    expected: null,
  },
  {
    server: 'Boulder, transient failure while creating the order',
    problem: { status: 500, type: `${PREFIX}serverInternal`, detail: 'Error creating new order' },
    expected: null,
  },
  {
    server: 'Boulder, transient failure reading certificate status',
    problem: {
      status: 500,
      type: `${PREFIX}serverInternal`,
      detail: 'Error retrieving certificate status',
    },
    expected: null,
  },
  {
    server: '400 malformed about identifiers only',
    problem: {
      status: 400,
      type: `${PREFIX}malformed`,
      detail: 'NewOrder request did not specify any identifiers',
    },
    expected: null,
  },
  {
    server: '403 unauthorized about a domain policy',
    problem: {
      status: 403,
      type: `${PREFIX}unauthorized`,
      detail: 'Cannot issue for "example.test": policy forbids it',
    },
    expected: null,
  },
];

describe('classifyReplacesRefusal', () => {
  it.each(rows)('classifies $server as $expected', ({ problem, expected }) => {
    expect(classifyReplacesRefusal(problem)).toBe(expected);
  });

  it.each(negativeRows)('ignores $server', ({ problem }) => {
    expect(classifyReplacesRefusal(problem)).toBeNull();
  });
});
