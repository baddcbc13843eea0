import { X509Certificate } from 'node:crypto';

import { describe, expect, it } from 'vitest';

import {
  CertIdError,
  certificateIdentity,
  encodeCertId,
  parseCertId,
} from '../../src/ari/index.js';
import { makeCertificate } from './certificates.js';

// RFC 9773 section 4.1 example.
const RFC_AKI_HEX = '69885b6b87464041e1b37b847ba0ae2cde01c8d4';
const RFC_SERIAL_HEX = '0087654321';
const RFC_CERT_ID = 'aYhba4dGQEHhs3uEe6CuLN4ByNQ.AIdlQyE';

describe('certID encoding', () => {
  it('matches the RFC 9773 example', () => {
    const certId = encodeCertId(
      Buffer.from(RFC_AKI_HEX, 'hex'),
      Buffer.from(RFC_SERIAL_HEX, 'hex'),
    );

    expect(certId).toBe(RFC_CERT_ID);
  });

  it('parses the RFC 9773 example back to its bytes', () => {
    const parsed = parseCertId(RFC_CERT_ID);

    expect(parsed.authorityKeyId.toString('hex')).toBe(RFC_AKI_HEX);
    expect(parsed.serialHex).toBe(RFC_SERIAL_HEX);
  });

  it.each([
    ['no dot', 'aYhba4dGQEHhs3uEe6CuLN4ByNQAIdlQyE'],
    ['two dots', 'aYhba4dGQEHhs3uEe6CuLN4ByNQ.AIdl.QyE'],
    ['empty serial', 'aYhba4dGQEHhs3uEe6CuLN4ByNQ.'],
    ['empty AKI', '.AIdlQyE'],
    ['padding', 'aYhba4dGQEHhs3uEe6CuLN4ByNQ=.AIdlQyE'],
    ['standard base64 characters', 'aYhba4dGQEHhs3uEe6CuLN4ByNQ.AI+lQyE'],
    ['non-canonical trailing bits', 'aYhba4dGQEHhs3uEe6CuLN4ByNQ.AIdlQyF'],
  ])('parseCertId rejects %s', (_case, certId) => {
    expect(() => parseCertId(certId)).toThrow(CertIdError);
    expect(() => parseCertId(certId)).toThrow(certId);
  });
});

describe('certificateIdentity', () => {
  it('reads the RFC example serial and AKI from a certificate', async () => {
    const { pem } = await makeCertificate({
      serialHex: '87654321',
      authorityKeyIdHex: RFC_AKI_HEX,
    });

    const identity = certificateIdentity(pem);

    expect(identity.certId).toBe(RFC_CERT_ID);
    expect(identity.serialHex).toBe(RFC_SERIAL_HEX);
    expect(identity.serialBytes.toString('hex')).toBe(RFC_SERIAL_HEX);
    expect(identity.authorityKeyId?.toString('hex')).toBe(RFC_AKI_HEX);
  });

  it('keeps the sign byte of a serial starting 0x8F', async () => {
    const { pem } = await makeCertificate({
      serialHex: '8f1234567890abcdef',
      authorityKeyIdHex: RFC_AKI_HEX,
    });

    const identity = certificateIdentity(pem);
    const serialPart = identity.certId?.split('.')[1] ?? '';

    expect(identity.serialHex).toBe('008f1234567890abcdef');
    expect(serialPart.startsWith('AI')).toBe(true);
    expect(serialPart.startsWith('jx')).toBe(false);
    expect(parseCertId(identity.certId ?? '').serialHex).toBe('008f1234567890abcdef');
  });

  it('agrees with Node on serial and validity', async () => {
    const notBefore = new Date('2026-12-04T10:00:00Z');
    const notAfter = new Date('2026-12-10T10:00:00Z');
    const { pem } = await makeCertificate({
      serialHex: '7a0bcdef',
      authorityKeyIdHex: RFC_AKI_HEX,
      notBefore,
      notAfter,
    });

    const identity = certificateIdentity(pem);
    const node = new X509Certificate(pem);

    expect(identity.serialHex).toBe(node.serialNumber.toLowerCase());
    expect(identity.notBefore).toEqual(notBefore);
    expect(identity.notAfter).toEqual(notAfter);
    expect(identity.issuer).toContain('CN=ARI Test Issuer');
  });

  it('reads GeneralizedTime validity after 2049', async () => {
    const notAfter = new Date('2051-06-01T12:30:00Z');
    const { pem } = await makeCertificate({ serialHex: '01', notAfter });

    expect(certificateIdentity(pem).notAfter).toEqual(notAfter);
  });

  it('returns a null certID without AKI', async () => {
    const { pem } = await makeCertificate({ serialHex: '0102' });

    const identity = certificateIdentity(pem);

    expect(identity.authorityKeyId).toBeNull();
    expect(identity.certId).toBeNull();
    expect(identity.serialHex).toBe('0102');
  });

  it('takes the first certificate of a PEM chain', async () => {
    const leaf = await makeCertificate({ serialHex: '0a', authorityKeyIdHex: 'aabbccdd' });
    const issuer = await makeCertificate({ serialHex: '0b', authorityKeyIdHex: '11223344' });

    const identity = certificateIdentity(`${leaf.pem}\n${issuer.pem}`);

    expect(identity.serialHex).toBe('0a');
    expect(identity.authorityKeyId?.toString('hex')).toBe('aabbccdd');
  });

  it('reads DER, and PEM given as bytes', async () => {
    const { pem, der } = await makeCertificate({ serialHex: '0c', authorityKeyIdHex: 'aabbccdd' });

    expect(certificateIdentity(der).certId).toBe('qrvM3Q.DA');
    expect(certificateIdentity(Buffer.from(pem)).certId).toBe('qrvM3Q.DA');
  });

  it('lists DNS and IP subject alternative names', async () => {
    const { pem } = await makeCertificate({
      serialHex: '0d',
      dnsNames: ['example.com', '*.example.com'],
      ipAddresses: ['127.0.0.1', '2001:db8::1'],
    });

    expect(certificateIdentity(pem).subjectAltNames).toEqual([
      'example.com',
      '*.example.com',
      '127.0.0.1',
      '2001:db8::1',
    ]);
  });

  it('rejects text without a certificate', () => {
    expect(() => certificateIdentity('hello')).toThrow(/No PEM certificate found/);
  });

  it('rejects truncated DER', async () => {
    const { der } = await makeCertificate({ serialHex: '0e' });

    expect(() => certificateIdentity(der.subarray(0, 40))).toThrow(/Invalid certificate/);
  });
});
