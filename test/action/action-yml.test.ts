import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

import { readSettings } from '../../src/action/settings.js';

interface ActionDefinition {
  name: string;
  description: string;
  branding: { icon: string; color: string };
  inputs: Record<string, { description: string; default?: string; required?: boolean }>;
  outputs: Record<string, { description: string }>;
  runs: { using: string; main: string };
}

const action = parse(
  readFileSync(new URL('../../action.yml', import.meta.url), 'utf8'),
) as ActionDefinition;

const ENV: NodeJS.ProcessEnv = {
  GITHUB_REPOSITORY: 'octo-org/infra',
  GITHUB_WORKSPACE: '/home/runner/work/infra/infra',
  RUNNER_TEMP: '/home/runner/work/_temp',
};

/** Returns the action.yml defaults, with the token expression replaced as the runner would. */
function defaults(name: string): string {
  const value = action.inputs[name]?.default ?? '';
  return value === '${{ github.token }}' ? 'ghs_runner_token_value' : value;
}

describe('action.yml', () => {
  it('runs dist/index.js on node24', () => {
    expect(action.name).toBe('acme-lineage');
    expect(action.runs).toEqual({ using: 'node24', main: 'dist/index.js' });
    expect(action.branding).toEqual({ icon: 'lock', color: 'green' });
  });

  it('declares every input that readSettings reads', () => {
    const read = new Set<string>();
    readSettings((name) => {
      read.add(name);
      return defaults(name);
    }, ENV);

    expect([...read].sort()).toEqual(Object.keys(action.inputs).sort());
  });

  it('gives every input and output a description', () => {
    for (const [name, input] of Object.entries(action.inputs)) {
      expect(input.description, name).toBeTruthy();
      expect(input.required ?? false, name).toBe(false);
    }
    for (const [name, output] of Object.entries(action.outputs)) {
      expect(output.description, name).toBeTruthy();
    }
  });

  it('has defaults that readSettings accepts', () => {
    const settings = readSettings(defaults, { ...ENV, GITHUB_EVENT_NAME: 'schedule' });

    expect(settings.mode).toBe('renew');
    expect(settings.stateBackend).toBe('github');
    expect(settings.runIntervalMs).toBe(6 * 3_600_000);
    expect(settings.concurrency).toBe(4);
    expect(settings.dryRun).toBe(false);
  });

  it('declares the documented outputs', () => {
    expect(Object.keys(action.outputs).sort()).toEqual([
      'certificate-directory',
      'issue-url',
      'renewed',
      'renewed-count',
    ]);
  });
});
