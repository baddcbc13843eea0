import { randomBytes } from 'node:crypto';
import https from 'node:https';

// @peculiar/x509 resolves its algorithms through tsyringe, which needs this polyfill first.
import 'reflect-metadata';
import {
  AuthorityKeyIdentifierExtension,
  SubjectAlternativeNameExtension,
  X509Certificate,
} from '@peculiar/x509';
import { beforeAll, describe, expect, it } from 'vitest';

import {
  loadTestbed,
  pebbleRootCertificates,
  resolveTestbedTxt,
  setRenewalInfo,
  testbedHttpsAgent,
  type Testbed,
} from '../helpers/testbed.js';
import { dig, digStatus, nsupdate } from './dns-tools.js';
import { issueWithAcmeClient } from './issue.js';

let testbed: Testbed;

beforeAll(() => {
  testbed = loadTestbed();
});

function getJson(url: string): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const options = {
      agent: testbedHttpsAgent(testbed),
      headers: { 'user-agent': 'acme-lineage-tests' },
    };
    https
      .get(url, options, (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, body: JSON.parse(text) }),
        );
      })
      .on('error', reject);
  });
}

/** Returns a fresh owner name under `zone`, so runs on the shared test bed never collide. */
function uniqueName(zone: string): string {
  return `_acme-challenge.t${randomBytes(4).toString('hex')}.${zone}`;
}

function toBase64Url(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64url');
}

/**
 * Computes the ARI certID (RFC 9773) of a certificate. It joins the base64url
 * authority key identifier and the base64url DER serial number with a ".".
 */
function certId(certificatePem: string): string {
  const certificate = new X509Certificate(certificatePem);
  const authorityKeyId = certificate.getExtension(AuthorityKeyIdentifierExtension)?.keyId;
  if (authorityKeyId === undefined) {
    throw new Error('certificate has no authority key identifier');
  }
  let serial = Buffer.from(certificate.serialNumber, 'hex');
  // A DER INTEGER is signed, so a serial whose first bit is set gets a zero byte.
  if ((serial[0] ?? 0) & 0x80) {
    serial = Buffer.concat([Buffer.from([0]), serial]);
  }
  return `${toBase64Url(Buffer.from(authorityKeyId, 'hex'))}.${toBase64Url(serial)}`;
}

describe('Pebble', () => {
  it('directory lists renewalInfo and both profiles', async () => {
    const { status, body } = await getJson(testbed.directoryUrl);
    const directory = body as {
      renewalInfo?: string;
      meta?: { profiles?: Record<string, string> };
    };

    expect(status).toBe(200);
    expect(directory.renewalInfo).toMatch(/^https:\/\/127\.0\.0\.1:\d+\//);
    expect(Object.keys(directory.meta?.profiles ?? {}).sort()).toEqual(['default', 'shortlived']);
  });

  it('management returns root and intermediate', async () => {
    const { root, intermediate } = await pebbleRootCertificates(testbed);

    expect(new X509Certificate(root).subject).toMatch(/Pebble Root CA/);
    expect(new X509Certificate(intermediate).issuer).toBe(new X509Certificate(root).subject);
  });

  it('renewalInfo returns the window set via management', async () => {
    const chain = await issueWithAcmeClient(testbed, ['www.example.test']);
    const window = { start: '2030-01-01T00:00:00Z', end: '2030-01-02T00:00:00Z' };

    await setRenewalInfo(testbed, chain, { suggestedWindow: window });
    const directory = (await getJson(testbed.directoryUrl)).body as { renewalInfo: string };
    const { status, body } = await getJson(`${directory.renewalInfo}/${certId(chain)}`);

    expect(status).toBe(200);
    expect((body as { suggestedWindow: unknown }).suggestedWindow).toEqual(window);
  });

  it('issues through a CNAME delegated challenge', async () => {
    const chain = await issueWithAcmeClient(testbed, ['alias.example.test']);
    const names = new X509Certificate(chain)
      .getExtension(SubjectAlternativeNameExtension)
      ?.names.toJSON();

    expect(names).toEqual([{ type: 'dns', value: 'alias.example.test' }]);
  });
});

describe('BIND', () => {
  const transports = ['udp', 'tcp'] as const;

  for (const zone of ['example.test', 'example.org.test', 'delegated.test']) {
    for (const transport of transports) {
      it(`answers SOA of ${zone} over ${transport}`, () => {
        const [soa] = dig(testbed, 'SOA', zone, transport);

        expect(soa?.split(' ')[0]).toBe(`ns1.${zone}.`);
      });
    }
  }

  it('settings list the three zones', () => {
    expect(testbed.dns.zones).toEqual(['example.test', 'example.org.test', 'delegated.test']);
  });

  for (const keyId of ['sha256', 'sha512'] as const) {
    it(`applies an update signed with ${keyId}`, () => {
      const key = testbed.dns.tsig[keyId];
      const name = uniqueName('example.test');

      const added = nsupdate(testbed, key, [`update add ${name}. 60 TXT "signed-${keyId}"`]);
      expect(added.status, added.output).toBe(0);
      expect(dig(testbed, 'TXT', name)).toEqual([`"signed-${keyId}"`]);

      const deleted = nsupdate(testbed, key, [`update delete ${name}. TXT`]);
      expect(deleted.status, deleted.output).toBe(0);
      expect(dig(testbed, 'TXT', name)).toEqual([]);
    });
  }

  it('rejects an unsigned update', () => {
    const name = uniqueName('example.org.test');

    const result = nsupdate(testbed, undefined, [`update add ${name}. 60 TXT "unsigned"`]);

    expect(result.status).not.toBe(0);
    expect(result.output).toMatch(/REFUSED/);
    expect(dig(testbed, 'TXT', name)).toEqual([]);
  });

  it('follows the alias CNAME into delegated.test', async () => {
    const alias = '_acme-challenge.alias.example.test';
    const target = testbed.dns.cnameDelegations[alias];
    expect(target).toBe('_acme-challenge.alias.delegated.test');

    const value = `delegated-${randomBytes(4).toString('hex')}`;
    const added = nsupdate(testbed, testbed.dns.tsig.sha256, [
      `update add ${target}. 60 TXT "${value}"`,
    ]);
    expect(added.status, added.output).toBe(0);

    try {
      expect(await resolveTestbedTxt(testbed, alias)).toContain(value);
    } finally {
      nsupdate(testbed, testbed.dns.tsig.sha256, [`update delete ${target}. TXT "${value}"`]);
    }
  });

  it('returns NXDOMAIN outside the zones', () => {
    expect(digStatus(testbed, 'SOA', 'nowhere.invalid')).toBe('NXDOMAIN');
  });
});
