import { createHmac } from 'node:crypto';
import { describe, expect, test } from 'vitest';

import { encodeTxtUpdate } from '../../src/dns/rfc2136/message.js';
import {
  extractTsig,
  parseTsigAlgorithm,
  signMessage,
  verifyResponse,
  type TsigKey,
} from '../../src/dns/rfc2136/tsig.js';

const KEY: TsigKey = {
  name: 'acme-update',
  algorithm: 'hmac-sha256',
  secret: Buffer.from('+Nz1/KOJtIhplFKbrK/6sm7cICLPdurB09AQlBRLiMw=', 'base64'),
};
const TIME_SIGNED = 1_780_000_000;

// An UPDATE for zone example.test adding one TXT record, written out byte by byte
// so the test does not depend on the encoder it checks elsewhere.
const UPDATE_MESSAGE = Buffer.concat([
  Buffer.from('1234' + '2800' + '0001' + '0000' + '0001' + '0000', 'hex'),
  Buffer.from('076578616d706c650474657374000006' + '0001', 'hex'),
  Buffer.from(
    '0f5f61636d652d6368616c6c656e6765076578616d706c650474657374000010000100000' + '03c00040376616c',
    'hex',
  ),
]);

function wireName(name: string): Buffer {
  const labels = name
    .split('.')
    .map((label) => Buffer.concat([Buffer.from([label.length]), Buffer.from(label)]));
  return Buffer.concat([...labels, Buffer.from([0])]);
}

/** Digest components of RFC 8945 section 4.3.3, assembled independently of the product code. */
function expectedMac(
  key: TsigKey,
  message: Buffer,
  timeSigned: number,
  requestMac?: Buffer,
): Buffer {
  const time = Buffer.alloc(6);
  time.writeUIntBE(timeSigned, 0, 6);
  const hash = key.algorithm === 'hmac-sha512' ? 'sha512' : 'sha256';
  const hmac = createHmac(hash, key.secret);
  if (requestMac) {
    const length = Buffer.alloc(2);
    length.writeUInt16BE(requestMac.length);
    hmac.update(length).update(requestMac);
  }
  hmac.update(message);
  hmac.update(wireName(key.name));
  hmac.update(Buffer.from('00ff' + '00000000', 'hex'));
  hmac.update(wireName(key.algorithm));
  hmac.update(time);
  hmac.update(Buffer.from('012c' + '0000' + '0000', 'hex'));
  return hmac.digest();
}

/** Builds a signed response to UPDATE_MESSAGE the way a server would, with its own TSIG record. */
function serverResponse(key: TsigKey, requestMac: Buffer, timeSigned: number): Buffer {
  const unsigned = Buffer.from(UPDATE_MESSAGE.subarray(0, 30));
  unsigned.writeUInt16BE(0xa800, 2);
  unsigned.writeUInt16BE(0, 8);
  const mac = expectedMac(key, unsigned, timeSigned, requestMac);

  const time = Buffer.alloc(6);
  time.writeUIntBE(timeSigned, 0, 6);
  const macLength = Buffer.alloc(2);
  macLength.writeUInt16BE(mac.length);
  const rdata = Buffer.concat([
    wireName(key.algorithm),
    time,
    Buffer.from('012c', 'hex'),
    macLength,
    mac,
    Buffer.from('1234' + '0000' + '0000', 'hex'),
  ]);
  const rdataLength = Buffer.alloc(2);
  rdataLength.writeUInt16BE(rdata.length);
  const record = Buffer.concat([
    wireName(key.name),
    Buffer.from('00fa' + '00ff' + '00000000', 'hex'),
    rdataLength,
    rdata,
  ]);

  const response = Buffer.concat([unsigned, record]);
  response.writeUInt16BE(1, 10);
  return response;
}

describe('TSIG signing', () => {
  test('encoder matches the hand-written UPDATE message', () => {
    const encoded = encodeTxtUpdate(0x1234, 'example.test', [
      { action: 'add', name: '_acme-challenge.example.test', value: 'val', ttl: 60 },
    ]);
    expect(encoded.toString('hex')).toBe(UPDATE_MESSAGE.toString('hex'));
  });

  test.each(['hmac-sha256', 'hmac-sha512'] as const)(
    'MAC over digest components with %s',
    (algorithm) => {
      const key = { ...KEY, algorithm };
      const { signed, mac } = signMessage(UPDATE_MESSAGE, key, TIME_SIGNED);

      expect(mac.toString('hex')).toBe(
        expectedMac(key, UPDATE_MESSAGE, TIME_SIGNED).toString('hex'),
      );
      expect(signed.readUInt16BE(10)).toBe(1);
      expect(
        signed.subarray(0, UPDATE_MESSAGE.length).subarray(12).equals(UPDATE_MESSAGE.subarray(12)),
      ).toBe(true);
    },
  );

  test('signed message carries the TSIG fields', () => {
    const { signed, mac } = signMessage(UPDATE_MESSAGE, KEY, TIME_SIGNED);
    const extracted = extractTsig(signed);

    expect(extracted?.record).toEqual({
      keyName: 'acme-update',
      algorithm: 'hmac-sha256',
      timeSigned: TIME_SIGNED,
      fudge: 300,
      mac,
      originalId: 0x1234,
      error: 0,
      otherData: Buffer.alloc(0),
    });
    expect(extracted?.unsigned.equals(UPDATE_MESSAGE)).toBe(true);
  });

  test('delete uses class NONE, TTL 0 and the exact RDATA', () => {
    const encoded = encodeTxtUpdate(1, 'example.test', [
      { action: 'delete', name: 'a.example.test', value: 'val' },
    ]);
    const record = encoded.subarray(12 + 18);
    expect(record.toString('hex')).toBe(
      '0161076578616d706c6504746573740000' + '10' + '00fe' + '00000000' + '0004' + '0376616c',
    );
  });

  test('long TXT value splits into 255-byte strings', () => {
    const value = 'x'.repeat(300);
    const encoded = encodeTxtUpdate(1, 'example.test', [
      { action: 'add', name: 'a.example.test', value, ttl: 60 },
    ]);
    const rdata = encoded.subarray(encoded.length - 302);
    expect(rdata[0]).toBe(255);
    expect(rdata[256]).toBe(45);
  });
});

describe('TSIG response verification', () => {
  const { mac: requestMac } = signMessage(UPDATE_MESSAGE, KEY, TIME_SIGNED);

  test('accepts a correctly signed response', () => {
    const response = serverResponse(KEY, requestMac, TIME_SIGNED + 1);
    expect(verifyResponse(response, KEY, requestMac, TIME_SIGNED + 2).ok).toBe(true);
  });

  test('rejects an altered response', () => {
    const response = serverResponse(KEY, requestMac, TIME_SIGNED);
    response[14] = (response[14] ?? 0) ^ 1;
    expect(verifyResponse(response, KEY, requestMac, TIME_SIGNED)).toMatchObject({
      ok: false,
      reason: 'bad-mac',
    });
  });

  test('rejects a response signed with another secret', () => {
    const response = serverResponse({ ...KEY, secret: Buffer.alloc(32) }, requestMac, TIME_SIGNED);
    expect(verifyResponse(response, KEY, requestMac, TIME_SIGNED)).toMatchObject({
      ok: false,
      reason: 'bad-mac',
    });
  });

  test('rejects a response outside the fudge window', () => {
    const response = serverResponse(KEY, requestMac, TIME_SIGNED);
    expect(verifyResponse(response, KEY, requestMac, TIME_SIGNED + 301)).toMatchObject({
      ok: false,
      reason: 'bad-time',
    });
  });

  test('reports an unsigned response', () => {
    const unsigned = Buffer.from(UPDATE_MESSAGE.subarray(0, 30));
    unsigned.writeUInt16BE(0, 8);
    expect(verifyResponse(unsigned, KEY, requestMac, TIME_SIGNED)).toMatchObject({
      ok: false,
      reason: 'unsigned',
    });
  });
});

describe('parseTsigAlgorithm', () => {
  test.each([
    ['hmac-sha256', 'hmac-sha256'],
    ['HMAC-SHA512.', 'hmac-sha512'],
    ['hmac-sha1', 'hmac-sha1'],
    ['hmac-md5.sig-alg.reg.int', undefined],
    ['sha256', undefined],
  ])('%s gives %s', (input, expected) => {
    expect(parseTsigAlgorithm(input)).toBe(expected);
  });
});
