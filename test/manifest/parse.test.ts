import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import {
  CA_PRESETS,
  DEFAULT_MANIFEST_PATH,
  ManifestError,
  loadManifest,
  parseManifest,
} from '../../src/manifest/index.js';
import { FIXTURES, HEADER, onlyProblemOf, readFixture } from './helpers.js';

describe('parseManifest', () => {
  it('reads a valid three-certificate manifest', () => {
    const manifest = parseManifest(readFixture('valid-three.yml'), 'valid-three.yml');

    expect(manifest.file).toBe('valid-three.yml');
    expect(manifest.version).toBe(1);
    expect(manifest.certificates.map((certificate) => certificate.name)).toEqual([
      'www',
      'api',
      'shop.v2',
    ]);

    const [www, api, shop] = manifest.certificates;
    expect(www).toEqual({
      name: 'www',
      domains: ['example.com', '*.example.com'],
      keyType: 'ec-p256',
      ca: {
        preset: 'letsencrypt-staging',
        directoryUrl: 'https://acme-staging-v02.api.letsencrypt.org/directory',
        externalAccountBinding: false,
      },
      dns: { provider: 'rfc2136', options: { nameserver: '127.0.0.1:5353' } },
      ari: true,
      replaces: 'auto',
      onAlreadyReplaced: 'fallback',
      position: { line: 8, column: 3 },
    });
    expect(api?.keyType).toBe('rsa-2048');
    expect(api?.domains).toEqual(['api.example.com']);
    expect(api?.position).toEqual({ line: 10, column: 3 });
    expect(shop?.ca).toEqual({
      directoryUrl: 'https://127.0.0.1:14000/dir',
      externalAccountBinding: false,
    });
    expect(shop?.dns).toEqual({ provider: 'cloudflare', zone: 'example.org', options: {} });
  });

  it('inherits defaults and merges dns key by key', () => {
    const [plain, custom] = parseManifest(
      readFixture('inheritance.yml'),
      'inheritance.yml',
    ).certificates;

    expect(plain).toMatchObject({
      keyType: 'ec-p384',
      profile: 'shortlived',
      ari: false,
      replaces: 'never',
      onAlreadyReplaced: 'fail',
      ca: {
        preset: 'zerossl',
        directoryUrl: 'https://acme.zerossl.com/v2/DV90',
        externalAccountBinding: true,
      },
    });
    expect(plain?.dns).toEqual({
      provider: 'rfc2136',
      zone: 'example.com',
      nameservers: ['ns1.example.com:53', '192.0.2.53'],
      challengeAlias: '_acme-challenge.alias.example.net',
      options: { nameserver: '127.0.0.1', 'tsig-key-name': 'acme-update', ttl: '60' },
    });

    expect(custom).toMatchObject({
      keyType: 'rsa-4096',
      ari: true,
      replaces: 'auto',
      onAlreadyReplaced: 'fallback',
      ca: { directoryUrl: 'https://ca.example.net/acme/directory', externalAccountBinding: true },
    });
    expect(custom?.ca.preset).toBeUndefined();
    expect(custom?.profile).toBeUndefined();
    expect(custom?.dns).toEqual({
      provider: 'rfc2136',
      zone: 'shop.example.com',
      nameservers: ['ns1.example.com:53', '192.0.2.53'],
      options: { nameserver: '127.0.0.1', ttl: '120' },
    });
  });

  it('positions a certificate at its list item', () => {
    const text = `${HEADER}  - name: www\n    domains: [example.com]\n  -   name: api\n      domains: [api.example.com]\n  - { name: mail, domains: [mail.example.com] }\n`;
    const positions = parseManifest(text, 'm.yml').certificates.map(
      (certificate) => certificate.position,
    );

    expect(positions).toEqual([
      { line: 6, column: 3 },
      { line: 8, column: 3 },
      { line: 10, column: 3 },
    ]);
  });

  it('positions a certificate in a flow list at its map', () => {
    const text = `${HEADER.replace('certificates:\n', '')}certificates: [{ name: www, domains: [example.com] }, { name: api, domains: [api.example.com] }]\n`;
    const positions = parseManifest(text, 'm.yml').certificates.map(
      (certificate) => certificate.position,
    );

    expect(positions).toEqual([
      { line: 5, column: 16 },
      { line: 5, column: 55 },
    ]);
  });

  it('keeps default options only for the default provider', () => {
    const text = `version: 1
defaults:
  ca: letsencrypt
  dns: { provider: rfc2136, zone: example.com, nameserver: 127.0.0.1, ttl: 60 }
certificates:
  - name: same
    domains: [example.com]
    dns: { provider: rfc2136, ttl: 120 }
  - name: other
    domains: [www.example.com]
    dns: { provider: cloudflare }
`;
    const [same, other] = parseManifest(text, 'm.yml').certificates;

    expect(same?.dns).toEqual({
      provider: 'rfc2136',
      zone: 'example.com',
      options: { nameserver: '127.0.0.1', ttl: '120' },
    });
    expect(other?.dns).toEqual({ provider: 'cloudflare', zone: 'example.com', options: {} });
  });

  it('lets a certificate give its own CA and DNS provider without defaults', () => {
    const text = `version: 1
certificates:
  - name: www
    domains: [example.com]
    ca: google
    dns: { provider: route53, hosted-zone-id: Z123, private-zone: false }
`;
    const [www] = parseManifest(text, 'm.yml').certificates;

    expect(www?.ca).toEqual({
      preset: 'google',
      directoryUrl: 'https://dv.acme-v02.api.pki.goog/directory',
      externalAccountBinding: true,
    });
    expect(www?.dns).toEqual({
      provider: 'route53',
      options: { 'hosted-zone-id': 'Z123', 'private-zone': 'false' },
    });
  });

  it('resolves YAML anchors and aliases', () => {
    const text = `version: 1
defaults:
  ca: letsencrypt
  dns: { provider: rfc2136 }
certificates:
  - name: www
    domains: &names [example.com, www.example.com]
  - name: copy
    domains: [example.org]
    dns: &dns { zone: example.org }
  - name: other
    domains: [example.net]
    dns: *dns
`;
    const [www, copy, other] = parseManifest(text, 'm.yml').certificates;

    expect(www?.domains).toEqual(['example.com', 'www.example.com']);
    expect(copy?.dns.zone).toBe('example.org');
    expect(other?.dns.zone).toBe('example.org');
  });

  it('accepts a byte order mark', () => {
    const manifest = parseManifest(
      `\uFEFF${HEADER}  - name: www\n    domains: [example.com]\n`,
      'm.yml',
    );

    expect(manifest.certificates).toHaveLength(1);
  });
});

describe('CA presets', () => {
  it('lists every preset with its directory URL', () => {
    expect(CA_PRESETS).toEqual({
      letsencrypt: {
        directoryUrl: 'https://acme-v02.api.letsencrypt.org/directory',
        externalAccountBinding: false,
      },
      'letsencrypt-staging': {
        directoryUrl: 'https://acme-staging-v02.api.letsencrypt.org/directory',
        externalAccountBinding: false,
      },
      zerossl: { directoryUrl: 'https://acme.zerossl.com/v2/DV90', externalAccountBinding: true },
      google: {
        directoryUrl: 'https://dv.acme-v02.api.pki.goog/directory',
        externalAccountBinding: true,
      },
      'google-staging': {
        directoryUrl: 'https://dv.acme-v02.test-api.pki.goog/directory',
        externalAccountBinding: true,
      },
      buypass: {
        directoryUrl: 'https://api.buypass.com/acme/directory',
        externalAccountBinding: false,
      },
      'buypass-staging': {
        directoryUrl: 'https://api.test4.buypass.no/acme/directory',
        externalAccountBinding: false,
      },
    });
  });

  it.each(Object.entries(CA_PRESETS))('resolves preset %s', (preset, expected) => {
    const text = `version: 1\ncertificates:\n  - name: www\n    domains: [example.com]\n    ca: ${preset}\n    dns: { provider: rfc2136 }\n`;
    const [www] = parseManifest(text, 'm.yml').certificates;

    expect(www?.ca).toEqual({ preset, ...expected });
  });

  it.each([
    ['http://127.0.0.1:14000/dir'],
    ['http://localhost:14000/dir'],
    ['http://[::1]:14000/dir'],
    ['https://ca.example.net/directory'],
  ])('accepts directory URL %s', (url) => {
    const text = `version: 1\ncertificates:\n  - name: www\n    domains: [example.com]\n    ca: "${url}"\n    dns: { provider: rfc2136 }\n`;
    const [www] = parseManifest(text, 'm.yml').certificates;

    expect(www?.ca).toEqual({ directoryUrl: url, externalAccountBinding: false });
  });

  it('rejects plain http away from loopback', () => {
    const problem = onlyProblemOf(
      `${HEADER}  - name: www\n    domains: [example.com]\n    ca: http://ca.example.net/directory\n`,
    );

    expect(problem).toMatchObject({
      line: 8,
      column: 9,
      path: 'certificates[0].ca',
      certificate: 'www',
    });
    expect(problem.message).toContain(
      'uses http, which is allowed only for 127.0.0.1, localhost and ::1: use https',
    );
  });

  it('rejects a directory URL of another scheme', () => {
    const problem = onlyProblemOf(
      `${HEADER}  - name: www\n    domains: [example.com]\n    ca: ftp://ca.example.net/directory\n`,
    );

    expect(problem.message).toContain('must use https');
  });

  it('suggests the closest preset for a misspelt one', () => {
    const problem = onlyProblemOf(
      `${HEADER}  - name: www\n    domains: [example.com]\n    ca: letsencrypt-stagin\n`,
    );

    expect(problem).toMatchObject({ line: 8, column: 9 });
    expect(problem.message).toContain(
      'unknown CA preset `letsencrypt-stagin`. Did you mean `letsencrypt-staging`?',
    );
  });

  it('requires directory in the map form', () => {
    const problem = onlyProblemOf(
      `${HEADER}  - name: www\n    domains: [example.com]\n    ca: { external-account-binding: true }\n`,
    );

    expect(problem).toMatchObject({ line: 8, column: 9, path: 'certificates[0].ca' });
    expect(problem.message).toContain('missing `directory`');
  });
});

describe('loadManifest', () => {
  it('reads a manifest file', async () => {
    const manifest = await loadManifest(join(FIXTURES, 'valid-three.yml'));

    expect(manifest.certificates).toHaveLength(3);
    expect(manifest.file).toBe(join(FIXTURES, 'valid-three.yml'));
  });

  it('names the file and the default path when it is missing', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'manifest-')), 'certificates.yml');

    const error = await loadManifest(path).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ManifestError);
    expect((error as ManifestError).problems).toEqual([
      {
        file: path,
        line: 1,
        column: 1,
        message: `the manifest file does not exist: create it, or give the path of your manifest (the default is ${DEFAULT_MANIFEST_PATH}).`,
      },
    ]);
  });

  it('reports problems against the path it was given', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'manifest-')), 'certificates.yml');
    writeFileSync(path, 'certificates: []\n');

    const error = (await loadManifest(path).catch((caught: unknown) => caught)) as ManifestError;

    expect(error.problems.map((problem) => problem.file)).toEqual([path, path]);
  });
});
