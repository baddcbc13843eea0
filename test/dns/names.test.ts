import { describe, expect, test } from 'vitest';

import {
  challengeName,
  InvalidDnsNameError,
  isInZone,
  normalizeDnsName,
} from '../../src/dns/names.js';

describe('normalizeDnsName', () => {
  test.each([
    ['Example.COM', 'example.com'],
    ['example.com.', 'example.com'],
    ['_acme-challenge.Example.com.', '_acme-challenge.example.com'],
    ['bücher.example', 'xn--bcher-kva.example'],
    ['XN--BCHER-KVA.example', 'xn--bcher-kva.example'],
    ['*.Example.com', '*.example.com'],
  ])('normalizes %s to %s', (input, expected) => {
    expect(normalizeDnsName(input)).toBe(expected);
  });

  test.each([
    ['', 'empty'],
    ['.', 'empty'],
    ['a..example', 'empty label'],
    ['-a.example', "may not start or end with '-'"],
    ['a b.example', 'characters'],
    ['www.*.example', "label '*'"],
    [`${'a'.repeat(64)}.example`, 'maximum is 63'],
    [`${'abcdefghi.'.repeat(26)}example`, 'maximum is 253'],
  ])('rejects %j naming the fault', (input, fault) => {
    expect(() => normalizeDnsName(input)).toThrow(InvalidDnsNameError);
    expect(() => normalizeDnsName(input)).toThrow(fault);
  });
});

describe('challengeName', () => {
  test('prefixes _acme-challenge', () => {
    expect(challengeName('www.Example.test.')).toBe('_acme-challenge.www.example.test');
  });

  test('apex and wildcard share one name', () => {
    expect(challengeName('*.example.test')).toBe('_acme-challenge.example.test');
    expect(challengeName('example.test')).toBe('_acme-challenge.example.test');
  });

  test('uses A-labels for internationalized names', () => {
    expect(challengeName('*.bücher.example')).toBe('_acme-challenge.xn--bcher-kva.example');
  });
});

describe('isInZone', () => {
  test('accepts the apex and names below it', () => {
    expect(isInZone('example.test', 'example.test')).toBe(true);
    expect(isInZone('www.example.test', 'example.test')).toBe(true);
  });

  test('rejects a sibling sharing a suffix', () => {
    expect(isInZone('www.example.org.test', 'example.test')).toBe(false);
    expect(isInZone('notexample.test', 'example.test')).toBe(false);
  });
});
