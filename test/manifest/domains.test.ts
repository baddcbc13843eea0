import { describe, expect, it } from 'vitest';

import { normalizeIdentifier } from '../../src/manifest/domains.js';
import { parseManifest } from '../../src/manifest/index.js';
import { HEADER, onlyProblemOf, problemsOf } from './helpers.js';

function domainsOf(...domains: string[]): string[] {
  const list = domains.map((domain) => JSON.stringify(domain)).join(', ');
  const manifest = parseManifest(`${HEADER}  - name: www\n    domains: [${list}]\n`, 'm.yml');
  return manifest.certificates[0]!.domains;
}

function errorOf(input: string): string {
  const result = normalizeIdentifier(input);
  if (!('error' in result))
    throw new Error(`expected ${input} to be rejected, got ${result.value}`);
  return result.error;
}

describe('domain normalization', () => {
  it('converts internationalized names to A-labels', () => {
    expect(domainsOf('Bücher.example', '*.müller.example', '例え.テスト')).toEqual([
      'xn--bcher-kva.example',
      '*.xn--mller-kva.example',
      'xn--r8jz45g.xn--zckzah',
    ]);
  });

  it('lower-cases and drops the trailing dot', () => {
    expect(domainsOf('WWW.Example.COM.', '*.Example.ORG.')).toEqual([
      'www.example.com',
      '*.example.org',
    ]);
  });

  it('keeps valid A-labels as they are', () => {
    expect(domainsOf('xn--bcher-kva.example')).toEqual(['xn--bcher-kva.example']);
  });

  it('rejects IP addresses, which DNS-01 cannot validate', () => {
    expect(errorOf('192.0.2.1')).toContain('`192.0.2.1` is an IP address');
    expect(errorOf('2001:DB8:0:0:0:0:0:1')).toContain('`2001:db8::1` is an IP address');
    expect(errorOf('::1')).toContain('http-01');
  });

  it('accepts a single-label name and names of maximum length', () => {
    const label = 'a'.repeat(63);
    const longest = [label, label, label, 'b'.repeat(61)].join('.');

    expect(longest).toHaveLength(253);
    expect(domainsOf('localhost', longest)).toEqual(['localhost', longest]);
  });
});

describe('wildcard rules', () => {
  it('accepts one leftmost wildcard label', () => {
    expect(domainsOf('*.example.com')).toEqual(['*.example.com']);
  });

  it('rejects a second wildcard label', () => {
    expect(errorOf('*.*.example.com')).toBe(
      'only one wildcard is allowed, and only as the leftmost label (`*.example.com`)',
    );
  });

  it('rejects a wildcard in an inner label', () => {
    expect(errorOf('a.*.example.com')).toBe(
      'a wildcard must be the whole leftmost label, as in `*.example.com`',
    );
  });

  it.each(['*example.com', 'w*.example.com', '*', '*.'])(
    'rejects the partial wildcard %s',
    (input) => {
      expect(normalizeIdentifier(input)).toHaveProperty('error');
    },
  );

  it('rejects a wildcard over an IP address', () => {
    expect(errorOf('*.192.0.2.1')).toBe('a wildcard cannot cover an IP address');
  });

  it('reports the wildcard fault at the domain', () => {
    const problem = onlyProblemOf(
      `${HEADER}  - name: www\n    domains:\n      - example.com\n      - "*.*.example.com"\n`,
    );

    expect(problem).toMatchObject({
      line: 9,
      column: 9,
      path: 'certificates[0].domains[1]',
      certificate: 'www',
    });
    expect(problem.message).toBe(
      'invalid domain `*.*.example.com`: only one wildcard is allowed, and only as the leftmost label (`*.example.com`).',
    );
  });
});

describe('invalid domains', () => {
  it.each([
    ['exa_mple.com', 'contains characters other than letters, digits and hyphens'],
    ['-example.com', 'starts or ends with a hyphen'],
    ['example-.com', 'starts or ends with a hyphen'],
    ['example..com', 'empty label'],
    ['.example.com', 'empty label'],
    ['ab--cd.example', 'reserved for `xn--` A-labels'],
    ['xn--a.example', 'not valid Punycode'],
    ['example.123', 'the last label is all digits'],
    ['1.2.3', 'the last label is all digits'],
    ['01.2.3.4', 'the last label is all digits'],
    ['exa mple.com', 'white space'],
    ['', 'the name is empty'],
    ['fe80::1%eth0', 'zone index'],
    ['https://example.com', 'contains characters other than'],
  ])('rejects %s', (input, reason) => {
    expect(errorOf(input)).toContain(reason);
  });

  it('rejects a label of 64 characters', () => {
    expect(errorOf(`${'a'.repeat(64)}.example`)).toContain(
      'has 64 characters, more than the maximum of 63',
    );
  });

  it('rejects a name of 254 characters', () => {
    const label = 'a'.repeat(63);
    const name = [label, label, label, 'b'.repeat(62)].join('.');

    expect(name).toHaveLength(254);
    expect(errorOf(name)).toBe('the name has 254 characters, more than the maximum of 253');
  });

  it('rejects a wildcard name over 253 characters', () => {
    const label = 'a'.repeat(63);
    const base = [label, label, label, 'b'.repeat(60)].join('.');

    expect(errorOf(`*.${base}`)).toContain('more than the maximum of 253');
  });
});

describe('duplicate domains', () => {
  it('rejects a domain listed twice after normalization', () => {
    const problem = onlyProblemOf(
      `${HEADER}  - name: www\n    domains: [example.com, WWW.example.com, Example.com.]\n`,
    );

    expect(problem).toMatchObject({ line: 7, column: 45, path: 'certificates[0].domains[2]' });
    expect(problem.message).toBe(
      '`example.com` is listed twice in this certificate (first at line 7, column 15): remove one.',
    );
  });

  it('names both certificates when they share a domain', () => {
    const text = `${HEADER}  - name: www\n    domains: [example.com]\n  - name: apex\n    domains: [api.example.com, example.com]\n`;
    const problem = onlyProblemOf(text);

    expect(problem).toMatchObject({
      line: 9,
      column: 32,
      path: 'certificates[1].domains[1]',
      certificate: 'apex',
    });
    expect(problem.message).toBe(
      '`example.com` is in both certificate `www` (line 7) and certificate `apex`: keep it in one of them.',
    );
  });

  it('reports a shared domain even when the certificate has other faults', () => {
    const text = `${HEADER}  - name: www\n    domains: [example.com]\n  - name: apex\n    domains: [example.com, bad..example.com]\n`;

    expect(problemsOf(text).map((problem) => problem.path)).toEqual([
      'certificates[1].domains[0]',
      'certificates[1].domains[1]',
    ]);
  });
});
