import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { expect } from 'vitest';

import { ManifestError, parseManifest, type ManifestProblem } from '../../src/manifest/index.js';

export const FIXTURES = fileURLToPath(new URL('../fixtures/manifests/', import.meta.url));

export function readFixture(name: string): string {
  return readFileSync(`${FIXTURES}${name}`, 'utf8');
}

/** Parses text that must be invalid and returns its problems. */
export function problemsOf(text: string, file = 'certificates.yml'): ManifestProblem[] {
  try {
    parseManifest(text, file);
  } catch (error) {
    expect(error).toBeInstanceOf(ManifestError);
    return (error as ManifestError).problems;
  }
  throw new Error('expected the manifest to be rejected, but it parsed');
}

/** Parses text that must be invalid and has exactly one problem. */
export function onlyProblemOf(text: string): ManifestProblem {
  const problems = problemsOf(text);
  expect(problems.map((problem) => problem.message)).toHaveLength(1);
  return problems[0]!;
}

/** A valid manifest header with a CA and DNS provider, so tests add only what they check. */
export const HEADER = `version: 1
defaults:
  ca: letsencrypt
  dns: { provider: rfc2136 }
certificates:
`;
