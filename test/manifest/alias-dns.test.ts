import { describe, expect, it } from 'vitest';

import { parseManifest } from '../../src/manifest/index.js';
import { HEADER, onlyProblemOf, problemsOf } from './helpers.js';

// HEADER takes lines 1 to 5, so the first certificate starts on line 6 and its dns on line 8.
const WWW = `${HEADER}  - name: www\n    domains: [example.com]\n`;

function parseOne(text: string) {
  const [certificate] = parseManifest(text, 'm.yml').certificates;
  return certificate;
}

describe('challenge-alias-dns', () => {
  it('reads provider, zone, nameservers and options', () => {
    const www = parseOne(`${WWW}    dns:
      challenge-alias-dns:
        provider: rfc2136
        zone: Delegated.Example.NET.
        nameservers: ["127.0.0.1:5353"]
        nameserver: "127.0.0.1:5353"
`);

    expect(www?.dns).toEqual({
      provider: 'rfc2136',
      options: {},
      aliasDns: {
        provider: 'rfc2136',
        zone: 'delegated.example.net',
        nameservers: ['127.0.0.1:5353'],
        options: { nameserver: '127.0.0.1:5353' },
      },
    });
  });

  it('is absent when the manifest does not set it', () => {
    expect(parseOne(WWW)?.dns.aliasDns).toBeUndefined();
  });

  it('merges from defaults key by key', () => {
    const text = `version: 1
defaults:
  ca: letsencrypt
  dns:
    provider: cloudflare
    challenge-alias-dns: { provider: rfc2136, zone: delegated.example.net, ttl: 60 }
certificates:
  - name: inherits
    domains: [a.example.com]
  - name: overrides
    domains: [b.example.com]
    dns:
      challenge-alias-dns: { nameservers: [ns1.example.net], ttl: 120 }
  - name: switches
    domains: [c.example.com]
    dns:
      challenge-alias-dns: { provider: route53 }
  - name: unsets
    domains: [d.example.com]
    dns:
      challenge-alias-dns: null
`;
    const [inherits, overrides, switches, unsets] = parseManifest(text, 'm.yml').certificates;

    expect(inherits?.dns.aliasDns).toEqual({
      provider: 'rfc2136',
      zone: 'delegated.example.net',
      options: { ttl: '60' },
    });
    expect(overrides?.dns.aliasDns).toEqual({
      provider: 'rfc2136',
      zone: 'delegated.example.net',
      nameservers: ['ns1.example.net'],
      options: { ttl: '120' },
    });
    // Options belong to one provider, so a certificate that switches provider drops them.
    expect(switches?.dns.aliasDns).toEqual({
      provider: 'route53',
      zone: 'delegated.example.net',
      options: {},
    });
    expect(unsets?.dns.aliasDns).toBeUndefined();
    expect(unsets?.dns.provider).toBe('cloudflare');
  });

  it('requires a provider', () => {
    const problem = onlyProblemOf(
      `${WWW}    dns:\n      challenge-alias-dns: { zone: example.net }\n`,
    );

    expect(problem).toMatchObject({
      line: 9,
      column: 28,
      path: 'certificates[0].dns.challenge-alias-dns',
      certificate: 'www',
    });
    expect(problem.message).toBe(
      'missing `provider` in challenge-alias-dns: name the DNS provider of the zone that `_acme-challenge` is delegated to, one of rfc2136, cloudflare, route53, alidns, tencentcloud, gcloud, azure.',
    );
  });

  it('reports a default without provider once', () => {
    const text = `version: 1
defaults:
  ca: letsencrypt
  dns:
    provider: rfc2136
    challenge-alias-dns:
      zone: example.net
certificates:
  - name: one
    domains: [a.example.com]
  - name: two
    domains: [b.example.com]
`;
    const problem = onlyProblemOf(text);

    expect(problem).toMatchObject({ line: 7, column: 7, path: 'defaults.dns.challenge-alias-dns' });
    expect(problem.certificate).toBeUndefined();
  });

  it('accepts a provider given only in defaults', () => {
    const text = `version: 1
defaults:
  ca: letsencrypt
  dns:
    provider: rfc2136
    challenge-alias-dns: { provider: azure }
certificates:
  - name: www
    domains: [example.com]
    dns:
      challenge-alias-dns: { zone: example.net }
`;

    expect(parseOne(text)?.dns.aliasDns).toEqual({
      provider: 'azure',
      zone: 'example.net',
      options: {},
    });
  });

  it('suggests the closest provider', () => {
    const problem = onlyProblemOf(
      `${WWW}    dns:\n      challenge-alias-dns: { provider: rfc2163 }\n`,
    );

    expect(problem).toMatchObject({
      line: 9,
      column: 40,
      path: 'certificates[0].dns.challenge-alias-dns.provider',
    });
    expect(problem.message).toContain('unknown DNS provider `rfc2163`. Did you mean `rfc2136`?');
  });

  it('rejects a value that is not a map', () => {
    expect(onlyProblemOf(`${WWW}    dns:\n      challenge-alias-dns: rfc2136\n`)).toMatchObject({
      line: 9,
      column: 28,
      path: 'certificates[0].dns.challenge-alias-dns',
      message: expect.stringContaining(
        'expected the DNS settings of the delegation target (a map of `key: value` lines), found the string `rfc2136`',
      ),
    });
  });

  it.each([
    ['provdier', 'provider'],
    ['zones', 'zone'],
    ['nameServers', 'nameservers'],
  ])('treats %s as a misspelling of %s', (key, expected) => {
    const problem = onlyProblemOf(
      `${WWW}    dns:\n      challenge-alias-dns:\n        provider: rfc2136\n        ${key}: x\n`,
    );

    expect(problem).toMatchObject({
      line: 11,
      column: 9,
      path: `certificates[0].dns.challenge-alias-dns.${key}`,
    });
    expect(problem.message).toBe(
      `unknown key \`${key}\` in challenge-alias-dns. Did you mean \`${expected}\`?`,
    );
  });

  it('suggests challenge-alias-dns for a misspelling in dns', () => {
    const problem = onlyProblemOf(
      `${WWW}    dns:\n      challenge-alias-dsn: { provider: rfc2136 }\n`,
    );

    expect(problem.message).toBe(
      'unknown key `challenge-alias-dsn` in dns. Did you mean `challenge-alias-dns`?',
    );
  });

  it.each(['challenge-alias', 'challenge-alias-dns'])('rejects %s inside the block', (key) => {
    const problem = onlyProblemOf(
      `${WWW}    dns:\n      challenge-alias-dns:\n        provider: rfc2136\n        ${key}: _acme-challenge.example.net\n`,
    );

    expect(problem).toMatchObject({
      line: 11,
      column: 9,
      path: `certificates[0].dns.challenge-alias-dns.${key}`,
    });
    expect(problem.message).toBe(
      `\`${key}\` cannot be set inside challenge-alias-dns, which describes only the DNS of the delegation target: move it up into \`dns\`.`,
    );
  });

  it('names the secret variable of its own provider', () => {
    const problem = onlyProblemOf(
      `${WWW}    dns:\n      challenge-alias-dns: { provider: cloudflare, api-token: abc }\n`,
    );

    expect(problem).toMatchObject({
      line: 9,
      column: 52,
      path: 'certificates[0].dns.challenge-alias-dns.api-token',
    });
    expect(problem.message).toBe(
      '`api-token` looks like a credential, and credentials never live in the manifest: remove it and set the environment variable CLOUDFLARE_DNS_API_TOKEN (or CLOUDFLARE_DNS_API_TOKEN_FILE) instead.',
    );
  });

  it('names the secret variable of the provider in defaults', () => {
    const text = `version: 1
defaults:
  ca: letsencrypt
  dns:
    provider: rfc2136
    challenge-alias-dns: { provider: route53 }
certificates:
  - name: www
    domains: [example.com]
    dns:
      challenge-alias-dns: { secret-access-key: abc }
`;

    expect(onlyProblemOf(text).message).toContain(
      'set the environment variable AWS_SECRET_ACCESS_KEY',
    );
  });

  it('reports invalid zone and nameservers at their place', () => {
    const problems = problemsOf(`${WWW}    dns:
      challenge-alias-dns:
        provider: rfc2136
        zone: "exa mple.net"
        nameservers: ["ns1.example.net:0"]
`);

    expect(problems.map(({ line, column, path }) => ({ line, column, path }))).toEqual([
      { line: 11, column: 15, path: 'certificates[0].dns.challenge-alias-dns.zone' },
      { line: 12, column: 23, path: 'certificates[0].dns.challenge-alias-dns.nameservers[0]' },
    ]);
  });
});
