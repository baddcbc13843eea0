import { describe, expect, test } from 'vitest';

import { formatServerAddress, parseServerAddress, query } from '../../src/dns/client.js';
import { followCnames, lookupTxt, zoneNameserverAddresses } from '../../src/dns/lookup.js';
import { createRfc2136Provider } from '../../src/dns/rfc2136/index.js';
import { loadTestbed } from '../helpers/testbed.js';
import { dig, rfc2136Env, rfc2136Settings, silentUdpServer, uniqueLabel } from './helpers.js';

const testbed = loadTestbed();
const server = testbed.dns.server;

describe('DNS client', () => {
  test('falls back to TCP on a truncated response', async () => {
    const provider = createRfc2136Provider(rfc2136Settings(), rfc2136Env(testbed));
    const name = `_acme-challenge.${uniqueLabel()}.example.test`;
    const values = Array.from({ length: 12 }, (_, index) => `${index}-${'x'.repeat(60)}`);
    for (const value of values) await provider.present({ name, value });
    try {
      // Without EDNS the UDP limit is 512 bytes (RFC 1035 section 4.2.1), so BIND truncates.
      expect(await dig(testbed, ['+noedns', '+ignore', name, 'TXT'])).toMatch(/flags:[^;]* tc/);

      expect((await lookupTxt(name, server)).sort()).toEqual([...values].sort());
      expect((await lookupTxt(name, server, { transport: 'tcp' })).sort()).toEqual(
        [...values].sort(),
      );
    } finally {
      for (const value of values) await provider.cleanUp({ name, value });
    }
  });

  test('times out naming the server', async () => {
    const silent = await silentUdpServer();
    try {
      await expect(
        query(silent.address, 'example.test', 'SOA', { timeoutMs: 200, udpAttempts: 1 }),
      ).rejects.toThrow(`No response from DNS server ${silent.address} over UDP within 200 ms.`);
    } finally {
      silent.close();
    }
  });

  test.each([
    ['127.0.0.1:5353', '127.0.0.1', 5353],
    ['127.0.0.1', '127.0.0.1', 53],
    ['[::1]:5353', '::1', 5353],
    ['::1', '::1', 53],
    ['ns1.example.test:53', 'ns1.example.test', 53],
  ])('parses server address %s', (address, host, port) => {
    expect(parseServerAddress(address)).toEqual({ host, port });
  });

  test('formats IPv6 addresses in brackets', () => {
    expect(formatServerAddress({ host: '::1', port: 53 })).toBe('[::1]:53');
  });

  test('rejects a port out of range', () => {
    expect(() => parseServerAddress('127.0.0.1:0')).toThrow(
      "Invalid port in DNS server address '127.0.0.1:0'",
    );
  });
});

describe('DNS lookups', () => {
  test('follows the CNAME chain to delegated.test', async () => {
    const name = '_acme-challenge.alias.example.org.test';
    expect(await followCnames(name, server)).toEqual([name, testbed.dns.cnameDelegations[name]]);
  });

  test('name without CNAME is its own target', async () => {
    const name = `_acme-challenge.${uniqueLabel()}.example.test`;
    expect(await followCnames(name, server)).toEqual([name]);
  });

  test('resolves the zone NS set with glue', async () => {
    expect(await zoneNameserverAddresses('example.test', server)).toEqual(['127.0.0.1:53']);
  });
});
