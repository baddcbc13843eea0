import { describe, expect, it } from 'vitest';

import {
  ManifestError,
  formatProblems,
  parseManifest,
  problemsAsAnnotations,
} from '../../src/manifest/index.js';
import { HEADER, onlyProblemOf, problemsOf, readFixture } from './helpers.js';

// HEADER takes lines 1 to 5, so the first certificate starts on line 6.
const WWW = `${HEADER}  - name: www\n    domains: [example.com]\n`;

describe('manifest errors', () => {
  it('reports five distinct faults at once', () => {
    const problems = problemsOf(readFixture('five-faults.yml'), 'five-faults.yml');

    expect(problems.map(({ line, column, path }) => ({ line, column, path }))).toEqual([
      { line: 4, column: 3, path: 'defaults.kye-type' },
      { line: 9, column: 28, path: 'certificates[0].domains[1]' },
      { line: 10, column: 10, path: 'certificates[0].ari' },
      { line: 11, column: 11, path: 'certificates[1].name' },
      { line: 14, column: 7, path: 'certificates[1].dns.tsig-secret' },
    ]);
    expect(problems[0]?.message).toBe(
      'unknown key `kye-type` in defaults. Did you mean `key-type`?',
    );
    expect(problems[1]?.message).toContain('a wildcard must be the whole leftmost label');
    expect(problems[2]?.message).toContain('expected `true` or `false`, found the string `yes`');
    expect(problems[3]?.message).toContain('is used on line 8 and line 11');
    expect(problems[4]?.message).toContain('credentials never live in the manifest');
  });

  it('reports every type error with its path', () => {
    const problems = problemsOf(readFixture('wrong-types.yml'));

    expect(
      problems.map(({ line, column, path, certificate }) => ({ line, column, path, certificate })),
    ).toEqual([
      { line: 2, column: 11, path: 'defaults', certificate: undefined },
      { line: 9, column: 14, path: 'certificates[1].domains', certificate: 'api' },
      { line: 13, column: 28, path: 'certificates[2].domains[1]', certificate: 'mail' },
      { line: 13, column: 32, path: 'certificates[2].domains[2]', certificate: 'mail' },
      { line: 14, column: 15, path: 'certificates[2].key-type', certificate: 'mail' },
      { line: 18, column: 20, path: 'certificates[2].dns.nameservers', certificate: 'mail' },
      { line: 19, column: 13, path: 'certificates[2].dns.port', certificate: 'mail' },
    ]);
    expect(problems[0]?.message).toContain(
      'expected the default settings (a map of `key: value` lines), found a list',
    );
    expect(problems[1]?.message).toContain('(a YAML list), found the string `api.example.com`');
    expect(problems[2]?.message).toContain('expected a string, found the number `42`');
    expect(problems[3]?.message).toContain('expected a string, found a list');
    expect(problems[4]?.message).toContain(
      'expected one of ec-p256, ec-p384, rsa-2048, rsa-3072, rsa-4096, found the number `256`',
    );
    expect(problems[6]?.message).toContain('must be a string, number or boolean, found a map');
  });

  it('formats the report as file:line:column lines', () => {
    const error = catchManifestError(readFixture('five-faults.yml'), '.github/certificates.yml');
    const lines = error.message.split('\n');

    expect(lines[0]).toBe('Invalid manifest .github/certificates.yml (5 problems):');
    expect(lines[1]).toBe(
      '.github/certificates.yml:4:3: defaults.kye-type: unknown key `kye-type` in defaults. Did you mean `key-type`?',
    );
    expect(lines).toHaveLength(6);
    expect(formatProblems(error.problems)).toBe(lines.slice(1).join('\n'));
  });

  it('converts problems to annotations', () => {
    const error = catchManifestError(readFixture('five-faults.yml'), '.github/certificates.yml');
    const annotations = problemsAsAnnotations(error.problems);

    expect(annotations[0]).toEqual({
      file: '.github/certificates.yml',
      startLine: 4,
      startColumn: 3,
      title: 'Manifest',
      message: 'defaults.kye-type: unknown key `kye-type` in defaults. Did you mean `key-type`?',
    });
    expect(annotations[2]).toMatchObject({
      startLine: 10,
      startColumn: 10,
      title: 'Manifest: certificate www',
    });
  });
});

describe('YAML syntax errors', () => {
  it('reports an unclosed flow list', () => {
    const problem = onlyProblemOf(readFixture('syntax-error.yml'));

    expect(problem).toMatchObject({ line: 5, column: 3 });
    expect(problem.message).toMatch(/^invalid YAML: .*end with a \]/);
  });

  it('reports tab indentation', () => {
    const problem = onlyProblemOf('version: 1\ncertificates:\n\t- name: www\n');

    expect(problem).toMatchObject({ line: 3, column: 1 });
    expect(problem.message).toContain('indent with spaces');
  });

  it('reports a duplicate key by name', () => {
    const problem = onlyProblemOf('version: 1\ncertificates: []\ncertificates: []\n');

    expect(problem).toMatchObject({ line: 3, column: 1 });
    expect(problem.message).toBe(
      'invalid YAML: the key `certificates` appears twice in the same map: remove one of the two entries, or merge them.',
    );
  });

  it('reports a second YAML document', () => {
    const problem = onlyProblemOf(`${WWW}---\nversion: 1\n`);

    expect(problem.line).toBe(8);
    expect(problem.message).toContain('the file contains more than one YAML document');
  });
});

describe('top level', () => {
  it('rejects an empty file', () => {
    expect(onlyProblemOf('')).toMatchObject({
      line: 1,
      column: 1,
      message: expect.stringContaining('the manifest is empty'),
    });
  });

  it('rejects a list at the top', () => {
    expect(onlyProblemOf('- version: 1\n').message).toContain(
      'expected the manifest (a map of `key: value` lines), found a list',
    );
  });

  it('asks for version 1 when version is missing', () => {
    const problem = onlyProblemOf(WWW.replace('version: 1\n', ''));

    expect(problem).toMatchObject({ line: 1, column: 1, path: 'version' });
    expect(problem.message).toBe('missing `version`: add `version: 1` as the first line.');
  });

  it('rejects another version', () => {
    const problem = onlyProblemOf(WWW.replace('version: 1', 'version: 2'));

    expect(problem).toMatchObject({ line: 1, column: 10, path: 'version' });
    expect(problem.message).toContain('this release reads version 1 only, so write `version: 1`');
  });

  it('rejects a quoted version', () => {
    expect(onlyProblemOf(WWW.replace('version: 1', 'version: "1"')).message).toContain(
      'write the number, `version: 1`',
    );
  });

  it('suggests the closest top-level key', () => {
    const problem = onlyProblemOf(`${WWW}defualts: {}\n`);

    expect(problem).toMatchObject({ line: 8, column: 1, path: 'defualts' });
    expect(problem.message).toBe(
      'unknown key `defualts` in the top level of the manifest. Did you mean `defaults`?',
    );
  });

  it('lists the allowed keys when nothing is close', () => {
    expect(onlyProblemOf(`${WWW}owner: me\n`).message).toBe(
      'unknown key `owner` in the top level of the manifest. Allowed keys: version, defaults, certificates.',
    );
  });

  it('requires certificates', () => {
    const problem = onlyProblemOf('version: 1\n');

    expect(problem).toMatchObject({ line: 1, column: 1 });
    expect(problem.message).toContain('missing `certificates`');
  });

  it('rejects an empty certificate list', () => {
    expect(onlyProblemOf('version: 1\ncertificates: []\n')).toMatchObject({
      line: 2,
      column: 15,
      path: 'certificates',
      message: expect.stringContaining('the certificate list is empty'),
    });
  });

  it('rejects a key that is not a string', () => {
    const problem = onlyProblemOf(`${WWW}    42: x\n`);

    expect(problem).toMatchObject({ line: 8, column: 5, path: 'certificates[0]' });
    expect(problem.message).toBe('keys must be plain strings, found the number `42`.');
  });

  it('rejects a name without a value', () => {
    const problem = onlyProblemOf(`${HEADER}  - name:\n    domains: [example.com]\n`);

    expect(problem).toMatchObject({ line: 6, column: 10, path: 'certificates[0].name' });
    expect(problem.message).toBe('expected a string, found no value: give a name such as `www`.');
  });

  it('rejects YAML merge keys', () => {
    const problem = onlyProblemOf(
      `${HEADER}  - <<: { ari: false }\n    name: www\n    domains: [example.com]\n`,
    );

    expect(problem).toMatchObject({ line: 6, column: 5, path: 'certificates[0].<<' });
    expect(problem.message).toContain('put shared settings under `defaults` instead');
  });
});

describe('defaults', () => {
  it.each(['name', 'domains'])('rejects %s in defaults', (key) => {
    const problem = onlyProblemOf(
      WWW.replace('  ca: letsencrypt\n', `  ca: letsencrypt\n  ${key}: x\n`),
    );

    expect(problem).toMatchObject({ line: 4, column: 3, path: `defaults.${key}` });
    expect(problem.message).toBe(
      `\`${key}\` cannot have a default: set it under each certificate.`,
    );
  });

  it('reports an invalid default once, not once per certificate', () => {
    const text = `${HEADER.replace('ca: letsencrypt', 'ca: letsencrpyt')}  - name: www\n    domains: [example.com]\n  - name: api\n    domains: [api.example.com]\n`;
    const problem = onlyProblemOf(text);

    expect(problem).toMatchObject({ line: 3, column: 7, path: 'defaults.ca' });
    expect(problem.message).toContain('Did you mean `letsencrypt`?');
  });

  it('reports an invalid default provider once', () => {
    const text = `${HEADER.replace('provider: rfc2136', 'provider: bind')}  - name: www\n    domains: [example.com]\n  - name: api\n    domains: [api.example.com]\n`;
    const problem = onlyProblemOf(text);

    expect(problem).toMatchObject({ line: 4, column: 20, path: 'defaults.dns.provider' });
    expect(problem.message).toBe(
      'unknown DNS provider `bind`. Known providers: rfc2136, cloudflare, route53, alidns, tencentcloud, gcloud, azure.',
    );
  });
});

describe('certificates', () => {
  it('reports a missing name and missing domains at the list item', () => {
    const problems = problemsOf(`${HEADER}  - key-type: ec-p384\n`);

    expect(problems.map(({ line, column, path }) => ({ line, column, path }))).toEqual([
      { line: 6, column: 3, path: 'certificates[0]' },
      { line: 6, column: 3, path: 'certificates[0]' },
    ]);
    expect(problems[0]?.message).toContain('missing `name`');
    expect(problems[1]?.message).toContain('missing `domains`');
  });

  it('rejects an invalid name and suggests the lower-case form', () => {
    const problem = onlyProblemOf(WWW.replace('name: www', 'name: WWW'));

    expect(problem).toMatchObject({ line: 6, column: 11, path: 'certificates[0].name' });
    expect(problem.message).toContain('Did you mean `www`?');
  });

  it.each(['-www', 'a/b', 'x'.repeat(65), 'www site'])('rejects the name %s', (name) => {
    expect(onlyProblemOf(WWW.replace('name: www', `name: "${name}"`)).message).toContain(
      'invalid certificate name',
    );
  });

  it('accepts a name of 64 characters', () => {
    const name = `a${'b'.repeat(63)}`;

    expect(
      parseManifest(WWW.replace('name: www', `name: ${name}`), 'm.yml').certificates[0]?.name,
    ).toBe(name);
  });

  it('names both lines of a duplicate name', () => {
    const problem = onlyProblemOf(`${WWW}  - name: www\n    domains: [example.net]\n`);

    expect(problem).toMatchObject({
      line: 8,
      column: 11,
      path: 'certificates[1].name',
      certificate: 'www',
    });
    expect(problem.message).toContain('the certificate name `www` is used on line 6 and line 8');
  });

  it('suggests the closest certificate key', () => {
    const problem = onlyProblemOf(`${WWW}    keyType: rsa-2048\n`);

    expect(problem).toMatchObject({
      line: 8,
      column: 5,
      path: 'certificates[0].keyType',
      certificate: 'www',
    });
    expect(problem.message).toBe(
      'unknown key `keyType` in certificate `www`. Did you mean `key-type`?',
    );
  });

  it('suggests domains for domain without reporting domains missing', () => {
    const problem = onlyProblemOf(`${HEADER}  - name: www\n    domain: example.com\n`);

    expect(problem).toMatchObject({ line: 7, column: 5, path: 'certificates[0].domain' });
    expect(problem.message).toBe(
      'unknown key `domain` in certificate `www`. Did you mean `domains`?',
    );
  });

  it('requires a CA somewhere', () => {
    const text = `version: 1\ncertificates:\n  - name: www\n    domains: [example.com]\n    dns: { provider: rfc2136 }\n`;
    const problem = onlyProblemOf(text);

    expect(problem).toMatchObject({
      line: 3,
      column: 3,
      path: 'certificates[0]',
      certificate: 'www',
    });
    expect(problem.message).toContain('no CA is set: add `ca: letsencrypt`');
  });

  it('requires a DNS provider somewhere', () => {
    const text = `version: 1\ndefaults: { ca: letsencrypt, dns: { zone: example.com } }\ncertificates:\n  - name: www\n    domains: [example.com]\n`;
    const problem = onlyProblemOf(text);

    expect(problem).toMatchObject({
      line: 4,
      column: 3,
      path: 'certificates[0]',
      certificate: 'www',
    });
    expect(problem.message).toContain('no DNS provider is set: add `dns: { provider: rfc2136 }`');
  });
});

describe('certificate settings', () => {
  it('suggests the closest key type', () => {
    const problem = onlyProblemOf(`${WWW}    key-type: rsa2048\n`);

    expect(problem).toMatchObject({ line: 8, column: 15, path: 'certificates[0].key-type' });
    expect(problem.message).toBe(
      'expected one of ec-p256, ec-p384, rsa-2048, rsa-3072, rsa-4096, found the string `rsa2048`. Did you mean `rsa-2048`?',
    );
  });

  it('rejects an unknown replaces policy', () => {
    expect(onlyProblemOf(`${WWW}    replaces: always\n`)).toMatchObject({
      line: 8,
      column: 15,
      message: 'expected one of auto, never, found the string `always`.',
    });
  });

  it('rejects an unknown already-replaced policy', () => {
    expect(onlyProblemOf(`${WWW}    on-already-replaced: fallbak\n`).message).toBe(
      'expected one of fallback, fail, found the string `fallbak`. Did you mean `fallback`?',
    );
  });

  it('rejects an empty profile', () => {
    expect(onlyProblemOf(`${WWW}    profile: ""\n`)).toMatchObject({
      line: 8,
      column: 14,
      path: 'certificates[0].profile',
    });
  });

  it('rejects an unknown key in the CA map', () => {
    const problem = onlyProblemOf(
      `${WWW}    ca: { directory: "https://ca.example/dir", eab: true }\n`,
    );

    expect(problem).toMatchObject({ line: 8, column: 48, path: 'certificates[0].ca.eab' });
    expect(problem.message).toContain('Allowed keys: directory, external-account-binding.');
  });

  it('rejects a CA of the wrong type', () => {
    expect(onlyProblemOf(`${WWW}    ca: 42\n`).message).toContain('expected a CA preset');
  });
});

describe('dns settings', () => {
  it('rejects dns that is not a map', () => {
    expect(onlyProblemOf(`${WWW}    dns: rfc2136\n`)).toMatchObject({
      line: 8,
      column: 10,
      path: 'certificates[0].dns',
      message: expect.stringContaining(
        'expected the DNS settings (a map of `key: value` lines), found the string `rfc2136`',
      ),
    });
  });

  it('suggests the closest provider', () => {
    const problem = onlyProblemOf(`${WWW}    dns: { provider: cloudfare }\n`);

    expect(problem).toMatchObject({ line: 8, column: 22, path: 'certificates[0].dns.provider' });
    expect(problem.message).toContain(
      'unknown DNS provider `cloudfare`. Did you mean `cloudflare`?',
    );
  });

  it.each([
    ['zones', 'zone'],
    ['challenge_alias', 'challenge-alias'],
    ['challengeAlias', 'challenge-alias'],
    ['provdier', 'provider'],
    ['nameservrs', 'nameservers'],
  ])('treats %s as a misspelling of %s', (key, expected) => {
    const problem = onlyProblemOf(`${WWW}    dns:\n      ${key}: x\n`);

    expect(problem).toMatchObject({ line: 9, column: 7, path: `certificates[0].dns.${key}` });
    expect(problem.message).toBe(`unknown key \`${key}\` in dns. Did you mean \`${expected}\`?`);
  });

  it('keeps the rfc2136 nameserver option apart from nameservers', () => {
    const [www] = parseManifest(
      `${WWW}    dns: { nameserver: "127.0.0.1:5353" }\n`,
      'm.yml',
    ).certificates;

    expect(www?.dns.options).toEqual({ nameserver: '127.0.0.1:5353' });
    expect(www?.dns.nameservers).toBeUndefined();
  });

  it('asks for kebab-case provider options', () => {
    expect(onlyProblemOf(`${WWW}    dns: { hostedZoneId: Z1 }\n`).message).toBe(
      'provider option `hostedZoneId` is not in kebab case: write `hosted-zone-id`.',
    );
  });

  it('rejects an invalid zone and challenge alias', () => {
    const problems = problemsOf(
      `${WWW}    dns:\n      zone: "exa mple.com"\n      challenge-alias: -bad.example.net\n`,
    );

    expect(problems.map(({ line, column, path }) => ({ line, column, path }))).toEqual([
      { line: 9, column: 13, path: 'certificates[0].dns.zone' },
      { line: 10, column: 24, path: 'certificates[0].dns.challenge-alias' },
    ]);
    expect(problems[0]?.message).toBe(
      'invalid DNS name `exa mple.com`: a name cannot contain white space.',
    );
    expect(problems[1]?.message).toContain('starts or ends with a hyphen');
  });

  it('rejects invalid nameservers one by one', () => {
    const problems = problemsOf(
      `${WWW}    dns:\n      nameservers: ["ns1.example.com:0", "[example.com]:53", ok.example.com, 53]\n`,
    );

    expect(problems.map(({ column, path }) => ({ column, path }))).toEqual([
      { column: 21, path: 'certificates[0].dns.nameservers[0]' },
      { column: 42, path: 'certificates[0].dns.nameservers[1]' },
      { column: 78, path: 'certificates[0].dns.nameservers[3]' },
    ]);
    expect(problems[0]?.message).toContain('port `0` is not a number from 1 to 65535');
    expect(problems[1]?.message).toContain('`example.com` is not an IPv6 address');
  });

  it('keeps provider option numbers as written', () => {
    const text = `${WWW}    dns: { account-id: 0123, ttl: 60, verify: True, region: eu-west-1 }\n`;
    const [www] = parseManifest(text, 'm.yml').certificates;

    expect(www?.dns.options).toEqual({
      'account-id': '0123',
      ttl: '60',
      verify: 'true',
      region: 'eu-west-1',
    });
  });

  it('rejects an empty nameserver list', () => {
    expect(onlyProblemOf(`${WWW}    dns: { nameservers: [] }\n`).message).toContain(
      'the nameserver list is empty',
    );
  });

  it('normalizes zone, alias and nameservers', () => {
    const text = `${WWW}    dns:\n      zone: Example.COM.\n      challenge-alias: _ACME-challenge.Alias.example.net.\n      nameservers: ["NS1.example.com", "[2001:DB8::53]:5353", "2001:db8:0:0::54", "192.0.2.1:53"]\n`;
    const [www] = parseManifest(text, 'm.yml').certificates;

    expect(www?.dns.zone).toBe('example.com');
    expect(www?.dns.challengeAlias).toBe('_acme-challenge.alias.example.net');
    expect(www?.dns.nameservers).toEqual([
      'ns1.example.com',
      '[2001:db8::53]:5353',
      '2001:db8::54',
      '192.0.2.1:53',
    ]);
  });
});

describe('credentials in the manifest', () => {
  it.each([
    ['tsig-secret', 'RFC2136_TSIG_SECRET'],
    ['tsig-key', 'RFC2136_TSIG_SECRET'],
    ['password', 'RFC2136_TSIG_SECRET'],
  ])('rejects %s under rfc2136', (key, variable) => {
    const problem = onlyProblemOf(`${WWW}    dns: { ${key}: c2VjcmV0 }\n`);

    expect(problem).toMatchObject({
      line: 8,
      column: 12,
      path: `certificates[0].dns.${key}`,
      certificate: 'www',
    });
    expect(problem.message).toBe(
      `\`${key}\` looks like a credential, and credentials never live in the manifest: remove it and set the environment variable ${variable} (or ${variable}_FILE) instead.`,
    );
  });

  it('names the cloudflare token variable', () => {
    const text = `${WWW}    dns: { provider: cloudflare, api-token: abc }\n`;

    expect(onlyProblemOf(text).message).toContain(
      'set the environment variable CLOUDFLARE_DNS_API_TOKEN',
    );
  });

  it.each([
    ['route53', 'secret-access-key', 'AWS_SECRET_ACCESS_KEY'],
    ['alidns', 'access-key-secret', 'ALICLOUD_SECRET_KEY'],
    ['tencentcloud', 'secret-key', 'TENCENTCLOUD_SECRET_KEY'],
    ['gcloud', 'service-account-key', 'GCE_SERVICE_ACCOUNT'],
    ['azure', 'client-secret', 'AZURE_CLIENT_SECRET'],
  ])('names the %s secret variable', (provider, key, variable) => {
    const text = `${WWW}    dns: { provider: ${provider}, ${key}: abc }\n`;

    expect(onlyProblemOf(text).message).toContain(
      `remove it and set the environment variable ${variable} (or ${variable}_FILE) instead.`,
    );
  });

  it('gives general advice when the provider is unknown', () => {
    const text = `version: 1\ncertificates:\n  - name: www\n    domains: [example.com]\n    ca: letsencrypt\n    dns: { provider: bind, api-token: abc }\n`;
    const problems = problemsOf(text);

    expect(problems[1]?.message).toContain(
      'set it in the environment variable that the DNS provider reads for it instead',
    );
  });

  it('rejects a credential in defaults', () => {
    const text = `version: 1\ndefaults:\n  ca: letsencrypt\n  dns:\n    provider: cloudflare\n    API_TOKEN: abc\ncertificates:\n  - name: www\n    domains: [example.com]\n`;
    const problem = onlyProblemOf(text);

    expect(problem).toMatchObject({ line: 6, column: 5, path: 'defaults.dns.API_TOKEN' });
    expect(problem.certificate).toBeUndefined();
  });

  it.each(['tsig-key-name', 'access-key-id', 'api-key-id', 'tsig-algorithm'])(
    'accepts the identifier option %s',
    (key) => {
      const [www] = parseManifest(`${WWW}    dns: { ${key}: value }\n`, 'm.yml').certificates;

      expect(www?.dns.options[key]).toBe('value');
    },
  );
});

function catchManifestError(text: string, file: string): ManifestError {
  try {
    parseManifest(text, file);
  } catch (error) {
    if (error instanceof ManifestError) return error;
    throw error;
  }
  throw new Error('expected a ManifestError');
}
