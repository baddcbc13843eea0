import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test, vi } from 'vitest';

import { findZone } from '../../src/dns/lookup.js';
import { createRfc2136Provider, Rfc2136Error } from '../../src/dns/rfc2136/index.js';
import { loadTestbed, resolveTestbedTxt } from '../helpers/testbed.js';
import { nsupdate, rfc2136Env, rfc2136Settings, uniqueLabel } from './helpers.js';

const testbed = loadTestbed();
const server = testbed.dns.server;

describe('rfc2136 provider against BIND', () => {
  test('adds and removes one TXT value', async () => {
    const provider = createRfc2136Provider(rfc2136Settings(), rfc2136Env(testbed));
    const record = {
      name: `_acme-challenge.${uniqueLabel()}.example.test`,
      value: uniqueLabel('v'),
    };

    await provider.present(record);
    expect(await resolveTestbedTxt(testbed, record.name)).toEqual([record.value]);

    await provider.cleanUp(record);
    expect(await resolveTestbedTxt(testbed, record.name)).toEqual([]);
  });

  test('clean-up of one value keeps the others', async () => {
    const provider = createRfc2136Provider(rfc2136Settings(), rfc2136Env(testbed));
    const name = `_acme-challenge.${uniqueLabel()}.example.test`;
    await nsupdate(testbed, [`update add ${name} 60 TXT "someone-else"`]);
    const first = { name, value: uniqueLabel('apex') };
    const second = { name, value: uniqueLabel('wildcard') };

    await provider.present(first);
    await provider.present(second);
    expect((await resolveTestbedTxt(testbed, name)).sort()).toEqual(
      [first.value, second.value, 'someone-else'].sort(),
    );

    await provider.cleanUp(first);
    expect((await resolveTestbedTxt(testbed, name)).sort()).toEqual(
      [second.value, 'someone-else'].sort(),
    );

    await provider.cleanUp(second);
    expect(await resolveTestbedTxt(testbed, name)).toEqual(['someone-else']);
    await nsupdate(testbed, [`update delete ${name} TXT`]);
  });

  test('finds sibling zone example.org.test', async () => {
    const name = `_acme-challenge.www.example.org.test`;
    expect(await findZone(name, server)).toBe('example.org.test');
    expect(await findZone('www.example.test', server)).toBe('example.test');

    const provider = createRfc2136Provider(rfc2136Settings(), rfc2136Env(testbed));
    const record = { name, value: uniqueLabel('v') };
    await provider.present(record);
    expect(await resolveTestbedTxt(testbed, name)).toContain(record.value);
    await provider.cleanUp(record);
    expect(await resolveTestbedTxt(testbed, name)).not.toContain(record.value);
  });

  test('rejects a name outside every zone', async () => {
    await expect(findZone('_acme-challenge.www.nowhere.invalid', server)).rejects.toThrow(
      `No zone found for _acme-challenge.www.nowhere.invalid at DNS server ${server}`,
    );
  });

  test('signs with hmac-sha512', async () => {
    const provider = createRfc2136Provider(rfc2136Settings(), rfc2136Env(testbed, 'sha512'));
    const record = {
      name: `_acme-challenge.${uniqueLabel()}.example.test`,
      value: uniqueLabel('v'),
    };

    await provider.present(record);
    expect(await resolveTestbedTxt(testbed, record.name)).toEqual([record.value]);
    await provider.cleanUp(record);
    expect(await resolveTestbedTxt(testbed, record.name)).toEqual([]);
  });

  test('wrong TSIG secret gives BADSIG advice', async () => {
    const env = {
      ...rfc2136Env(testbed),
      RFC2136_TSIG_SECRET: Buffer.alloc(32, 7).toString('base64'),
    };
    const provider = createRfc2136Provider(rfc2136Settings(), env);
    const record = { name: `_acme-challenge.${uniqueLabel()}.example.test`, value: 'v' };

    const error = await provider.present(record).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Rfc2136Error);
    const message = (error as Error).message;
    expect(message).toMatch(/^rfc2136: /);
    expect(message).toContain(
      `in zone example.test at ${server} with key acme-update (hmac-sha256)`,
    );
    expect(message).toContain('(BADSIG)');
    expect(message).toContain('RFC2136_TSIG_SECRET is not the secret of key acme-update');
    expect(message).not.toContain(env.RFC2136_TSIG_SECRET);
  });

  test('unknown key name gives BADKEY advice', async () => {
    const env = { ...rfc2136Env(testbed), RFC2136_TSIG_KEY: 'no-such-key' };
    const provider = createRfc2136Provider(rfc2136Settings(), env);
    const record = { name: `_acme-challenge.${uniqueLabel()}.example.test`, value: 'v' };

    await expect(provider.present(record)).rejects.toThrow(
      'does not know key no-such-key with algorithm hmac-sha256 (BADKEY)',
    );
  });

  test('wrong algorithm for the key gives BADKEY advice', async () => {
    const env = { ...rfc2136Env(testbed), RFC2136_TSIG_ALGORITHM: 'hmac-sha512' };
    const provider = createRfc2136Provider(rfc2136Settings(), env);
    const record = { name: `_acme-challenge.${uniqueLabel()}.example.test`, value: 'v' };

    await expect(provider.present(record)).rejects.toThrow('(BADKEY)');
  });

  test('zone the server does not serve gives NOTAUTH advice', async () => {
    const provider = createRfc2136Provider(
      rfc2136Settings({ zone: 'elsewhere.test' }),
      rfc2136Env(testbed),
    );
    const record = { name: `_acme-challenge.www.elsewhere.test`, value: 'v' };

    const error = await provider.present(record).catch((caught: unknown) => caught);
    expect((error as Error).message).toContain('zone elsewhere.test');
    expect((error as Error).message).toContain(
      "Point RFC2136_NAMESERVER at the zone's primary server",
    );
  });

  test('clock skew gives BADTIME advice', async () => {
    const provider = createRfc2136Provider(rfc2136Settings(), rfc2136Env(testbed));
    const record = { name: `_acme-challenge.${uniqueLabel()}.example.test`, value: 'v' };
    // Only Date is faked, so socket timeouts still run on the real clock.
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() - 3_600_000);
    try {
      await expect(provider.present(record)).rejects.toThrow(
        /differ by more than 300 s \(BADTIME\)/,
      );
    } finally {
      vi.useRealTimers();
    }
    expect(await resolveTestbedTxt(testbed, record.name)).toEqual([]);
  });

  test('name outside the manifest zone uses SOA lookup', async () => {
    const settings = rfc2136Settings({ zone: 'example.org.test' });
    const provider = createRfc2136Provider(settings, rfc2136Env(testbed));
    const record = {
      name: `_acme-challenge.${uniqueLabel()}.example.test`,
      value: uniqueLabel('v'),
    };

    await provider.present(record);
    expect(await resolveTestbedTxt(testbed, record.name)).toEqual([record.value]);
    await provider.cleanUp(record);
  });

  test('unreachable server gives a timeout naming it', async () => {
    const env = {
      ...rfc2136Env(testbed),
      RFC2136_NAMESERVER: '127.0.0.1:9',
      RFC2136_DNS_TIMEOUT: '1',
    };
    const provider = createRfc2136Provider(rfc2136Settings({ zone: 'example.test' }), env);
    await expect(
      provider.present({ name: '_acme-challenge.example.test', value: 'v' }),
    ).rejects.toThrow(
      /^rfc2136: adding TXT _acme-challenge.example.test in zone example.test at 127.0.0.1:9 .* failed: /,
    );
  });
});

describe('rfc2136 configuration', () => {
  test('reads lego DNSUPDATE_ names', async () => {
    const tsig = testbed.dns.tsig.sha256;
    const provider = createRfc2136Provider(rfc2136Settings(), {
      DNSUPDATE_NAMESERVER: server,
      DNSUPDATE_TSIG_KEY: tsig.name,
      DNSUPDATE_TSIG_SECRET: tsig.secret,
      DNSUPDATE_TSIG_ALGORITHM: 'hmac-sha256.',
    });
    const record = {
      name: `_acme-challenge.${uniqueLabel()}.example.test`,
      value: uniqueLabel('v'),
    };

    await provider.present(record);
    expect(await resolveTestbedTxt(testbed, record.name)).toEqual([record.value]);
    await provider.cleanUp(record);
  });

  test('reads the secret from RFC2136_TSIG_SECRET_FILE', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'rfc2136-'));
    const secretFile = join(directory, 'secret');
    writeFileSync(secretFile, `${testbed.dns.tsig.sha256.secret}\n`);
    const env = rfc2136Env(testbed);
    delete env.RFC2136_TSIG_SECRET;
    const provider = createRfc2136Provider(rfc2136Settings(), {
      ...env,
      RFC2136_TSIG_SECRET_FILE: secretFile,
    });
    const record = {
      name: `_acme-challenge.${uniqueLabel()}.example.test`,
      value: uniqueLabel('v'),
    };

    await provider.present(record);
    expect(await resolveTestbedTxt(testbed, record.name)).toEqual([record.value]);
    await provider.cleanUp(record);
  });

  test('takes non-secret settings from manifest options', async () => {
    const tsig = testbed.dns.tsig.sha512;
    const settings = rfc2136Settings({
      options: {
        nameserver: server,
        'tsig-key-name': tsig.name,
        'tsig-algorithm': tsig.algorithm,
        ttl: '30',
      },
    });
    const provider = createRfc2136Provider(settings, { RFC2136_TSIG_SECRET: tsig.secret });
    const record = {
      name: `_acme-challenge.${uniqueLabel()}.example.test`,
      value: uniqueLabel('v'),
    };

    await provider.present(record);
    expect(await resolveTestbedTxt(testbed, record.name)).toEqual([record.value]);
    await provider.cleanUp(record);
  });

  test.each([
    [
      'RFC2136_NAMESERVER',
      'missing RFC2136_NAMESERVER (or RFC2136_NAMESERVER_FILE, or DNSUPDATE_NAMESERVER)',
    ],
    ['RFC2136_TSIG_KEY', 'missing RFC2136_TSIG_KEY'],
    ['RFC2136_TSIG_SECRET', 'missing RFC2136_TSIG_SECRET'],
  ])('missing %s is named', (variable, message) => {
    const env = rfc2136Env(testbed);
    delete env[variable];
    expect(() => createRfc2136Provider(rfc2136Settings(), env)).toThrow(`rfc2136: ${message}`);
  });

  test('secret set twice is an rfc2136 error', () => {
    const env = { ...rfc2136Env(testbed), RFC2136_TSIG_SECRET_FILE: '/dev/null' };
    expect(() => createRfc2136Provider(rfc2136Settings(), env)).toThrow(
      'rfc2136: Both RFC2136_TSIG_SECRET and RFC2136_TSIG_SECRET_FILE are set. Set only one of them.',
    );
  });

  test('rejects a secret that is not base64', () => {
    const env = { ...rfc2136Env(testbed), RFC2136_TSIG_SECRET: 'not base64!' };
    expect(() => createRfc2136Provider(rfc2136Settings(), env)).toThrow(
      'RFC2136_TSIG_SECRET is not valid base64',
    );
  });

  test('rejects an unsupported algorithm', () => {
    const env = { ...rfc2136Env(testbed), RFC2136_TSIG_ALGORITHM: 'hmac-md5' };
    expect(() => createRfc2136Provider(rfc2136Settings(), env)).toThrow(
      "unsupported TSIG algorithm 'hmac-md5'. Use one of hmac-sha1, hmac-sha224, hmac-sha256, hmac-sha384, hmac-sha512.",
    );
  });

  test('rejects unknown manifest options', () => {
    const settings = rfc2136Settings({ options: { 'tsig-secret': 'x' } });
    expect(() => createRfc2136Provider(settings, rfc2136Env(testbed))).toThrow(
      "unknown option 'tsig-secret'",
    );
  });

  test('rejects an invalid server address', () => {
    const env = { ...rfc2136Env(testbed), RFC2136_NAMESERVER: '127.0.0.1:99999' };
    expect(() => createRfc2136Provider(rfc2136Settings(), env)).toThrow(
      "rfc2136: Invalid port in DNS server address '127.0.0.1:99999'",
    );
  });
});
