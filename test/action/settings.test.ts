import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import {
  describeSettings,
  formatDuration,
  readSettings,
  SettingsError,
} from '../../src/action/settings.js';

const ACCOUNT_KEY = [
  '-----BEGIN PRIVATE KEY-----',
  'MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgtestkeymaterial00',
  'hRANCAAQxYzAbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcdefghijklmnopqr',
  '-----END PRIVATE KEY-----',
].join('\n');

const CA_PEM = '-----BEGIN CERTIFICATE-----\nMIIBfake\n-----END CERTIFICATE-----\n';

const ACTIONS_ENV: NodeJS.ProcessEnv = {
  GITHUB_REPOSITORY: 'octo-org/infra',
  GITHUB_WORKSPACE: '/home/runner/work/infra/infra',
  RUNNER_TEMP: '/home/runner/work/_temp',
  GITHUB_EVENT_NAME: 'schedule',
};

/** Builds a getInput that returns the action.yml defaults unless `inputs` overrides them. */
function inputs(overrides: Record<string, string> = {}): (name: string) => string {
  const defaults: Record<string, string> = {
    manifest: '.github/certificates.yml',
    'state-branch': 'acme-lineage',
    'state-backend': 'auto',
    token: 'ghs_exampletoken0123456789',
    'run-interval': '6h',
    language: 'en',
    'dry-run': 'false',
    concurrency: '4',
  };
  const values = { ...defaults, ...overrides };
  return (name) => values[name] ?? '';
}

function problemsOf(read: () => unknown): string {
  try {
    read();
  } catch (error) {
    expect(error).toBeInstanceOf(SettingsError);
    return (error as Error).message;
  }
  throw new Error('expected readSettings to throw');
}

describe('readSettings', () => {
  it('applies the action.yml defaults on a scheduled run', () => {
    const settings = readSettings(inputs(), ACTIONS_ENV);

    expect(settings.mode).toBe('renew');
    expect(settings.manifestPath).toBe('.github/certificates.yml');
    expect(settings.stateBranch).toBe('acme-lineage');
    expect(settings.stateBackend).toBe('github');
    expect(settings.repository).toEqual({ owner: 'octo-org', repo: 'infra' });
    expect(settings.outputDirectory).toBe('/home/runner/work/_temp/acme-lineage');
    expect(settings.runIntervalMs).toBe(6 * 3_600_000);
    expect(settings.language).toBe('en');
    expect(settings.dryRun).toBe(false);
    expect(settings.concurrency).toBe(4);
    expect(settings.shard).toBeUndefined();
  });

  it('picks plan mode on pull request events', () => {
    expect(readSettings(inputs(), ACTIONS_ENV, 'pull_request').mode).toBe('plan');
    expect(readSettings(inputs(), ACTIONS_ENV, 'pull_request_target').mode).toBe('plan');
    expect(readSettings(inputs(), ACTIONS_ENV, 'workflow_dispatch').mode).toBe('renew');
    expect(readSettings(inputs({ mode: 'check' }), ACTIONS_ENV, 'pull_request').mode).toBe('check');
  });

  it('picks the git backend when a repository path is given', () => {
    const settings = readSettings(inputs({ 'state-repository-path': '/srv/state' }), ACTIONS_ENV);

    expect(settings.stateBackend).toBe('git');
    expect(settings.stateRepositoryPath).toBe('/srv/state');
  });

  it('picks the git backend in the workspace without a token', () => {
    const settings = readSettings(inputs({ token: '' }), ACTIONS_ENV);

    expect(settings.stateBackend).toBe('git');
    expect(settings.stateRepositoryPath).toBe('/home/runner/work/infra/infra');
  });

  it('takes GITHUB_TOKEN when the token input is empty', () => {
    const env = { ...ACTIONS_ENV, GITHUB_TOKEN: 'ghp_fromenvironment000' };
    const settings = readSettings(inputs({ token: '' }), env);

    expect(settings.token).toBe('ghp_fromenvironment000');
    expect(settings.stateBackend).toBe('github');
  });

  it('parses every optional input', () => {
    const settings = readSettings(
      inputs({
        'account-key': ACCOUNT_KEY,
        'eab-key-id': 'kid-1',
        'eab-hmac-key': 'c2VjcmV0LWhtYWMta2V5LXZhbHVl',
        'run-interval': '90m',
        language: 'zh-CN',
        'dry-run': 'true',
        'refresh-ari': 'TRUE',
        concurrency: '8',
        shard: '2/4',
        'ca-certificates': CA_PEM,
      }),
      ACTIONS_ENV,
    );

    expect(settings.accountKey).toBe(`${ACCOUNT_KEY}\n`);
    expect(settings.externalAccountBinding).toEqual({
      keyId: 'kid-1',
      hmacKey: 'c2VjcmV0LWhtYWMta2V5LXZhbHVl',
    });
    expect(settings.runIntervalMs).toBe(90 * 60_000);
    expect(settings.language).toBe('zh-CN');
    expect(settings.dryRun).toBe(true);
    expect(settings.refreshAri).toBe(true);
    expect(settings.concurrency).toBe(8);
    expect(settings.shard).toEqual({ index: 2, count: 4 });
    expect(settings.caCertificates).toBe(CA_PEM);
  });

  it('reads ca-certificates from a file path', () => {
    const directory = mkdtempSync(join(tmpdir(), 'acme-lineage-settings-'));
    const file = join(directory, 'roots.pem');
    writeFileSync(file, CA_PEM);

    expect(readSettings(inputs({ 'ca-certificates': file }), ACTIONS_ENV).caCertificates).toBe(
      CA_PEM,
    );
  });

  it('rejects an out-of-range shard with the fix', () => {
    const message = problemsOf(() => readSettings(inputs({ shard: '5/4' }), ACTIONS_ENV));

    expect(message).toBe("Invalid shard '5/4'. Expected i/n with 1 <= i <= n, for example 2/4.");
  });

  it.each([
    [{ mode: 'apply' }, "Invalid mode 'apply'"],
    [
      { 'run-interval': '6 hours' },
      "Invalid run-interval '6 hours'. Expected a duration such as 90m",
    ],
    [{ 'run-interval': '0h' }, 'Expected a duration greater than zero'],
    [{ language: 'fr' }, "Invalid language 'fr'. Expected en or zh-CN."],
    [{ 'dry-run': 'yes' }, "Invalid dry-run 'yes'. Expected true or false."],
    [{ concurrency: '0' }, "Invalid concurrency '0'. Expected a whole number from 1 to 64."],
    [{ concurrency: '2.5' }, "Invalid concurrency '2.5'"],
    [{ shard: '0/3' }, "Invalid shard '0/3'"],
    [{ shard: 'two' }, "Invalid shard 'two'"],
    [{ 'state-backend': 's3' }, "Invalid state-backend 's3'. Expected auto, github or git."],
    [{ 'state-branch': 'my branch' }, "Invalid state-branch 'my branch'"],
    [
      { 'state-backend': 'github', 'state-repository-path': '/srv/state' },
      "Invalid state-repository-path '/srv/state' with state-backend github",
    ],
    [{ 'state-branch': 'a..b' }, "Invalid state-branch 'a..b'"],
    [{ 'eab-key-id': 'kid-1' }, 'Missing eab-hmac-key.'],
    [{ 'eab-key-id': 'kid-1', 'eab-hmac-key': 'not base64!' }, 'Invalid eab-hmac-key'],
    [
      { 'ca-certificates': '/nonexistent/roots.pem' },
      "Invalid ca-certificates: '/nonexistent/roots.pem'",
    ],
  ])('rejects %o', (overrides, expected) => {
    expect(problemsOf(() => readSettings(inputs(overrides), ACTIONS_ENV))).toContain(expected);
  });

  it('rejects an account key that is not PEM without quoting it', () => {
    const message = problemsOf(() =>
      readSettings(inputs({ 'account-key': 'ghp_pastedthewrongsecret' }), ACTIONS_ENV),
    );

    expect(message).toContain('Invalid account-key: not a PEM private key.');
    expect(message).not.toContain('ghp_pastedthewrongsecret');
  });

  it('reports every invalid input at once', () => {
    const message = problemsOf(() =>
      readSettings(inputs({ shard: '9/2', language: 'de', concurrency: '-1' }), ACTIONS_ENV),
    );

    expect(message.split('\n')).toHaveLength(3);
  });

  it('requires a token and repository for the github backend', () => {
    const noToken = problemsOf(() =>
      readSettings(inputs({ 'state-backend': 'github', token: '' }), ACTIONS_ENV),
    );
    const noRepository = problemsOf(() =>
      readSettings(inputs({ 'state-backend': 'github' }), {
        ...ACTIONS_ENV,
        GITHUB_REPOSITORY: '',
      }),
    );

    expect(noToken).toContain('Missing token for state-backend github.');
    expect(noRepository).toContain('Missing GITHUB_REPOSITORY for state-backend github.');
  });

  it('collects secrets whole and line by line', () => {
    const settings = readSettings(
      inputs({ 'account-key': ACCOUNT_KEY, 'eab-key-id': 'kid-1', 'eab-hmac-key': 'c2VjcmV0' }),
      ACTIONS_ENV,
    );

    expect(settings.secrets).toContain(`${ACCOUNT_KEY}\n`);
    expect(settings.secrets).toContain(
      'MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgtestkeymaterial00',
    );
    expect(settings.secrets).toContain('c2VjcmV0');
    expect(settings.secrets).toContain('ghs_exampletoken0123456789');
    expect(settings.secrets).not.toContain('-----BEGIN PRIVATE KEY-----');
    expect(settings.secrets).not.toContain('kid-1');
  });
});

describe('describeSettings', () => {
  it('redacts every secret', () => {
    const settings = readSettings(
      inputs({ 'account-key': ACCOUNT_KEY, 'eab-key-id': 'kid-1', 'eab-hmac-key': 'c2VjcmV0' }),
      ACTIONS_ENV,
    );
    const text = describeSettings(settings).join('\n');

    for (const secret of settings.secrets) {
      expect(text).not.toContain(secret);
    }
    expect(text).toContain('account-key: (set, redacted)');
    expect(text).toContain('token: (set, redacted)');
    expect(text).toContain('eab-key-id: kid-1');
    expect(text).toContain('run-interval: 6h');
  });
});

describe('run-interval', () => {
  it.each([
    ['90m', 5_400_000],
    ['6h', 21_600_000],
    ['1d', 86_400_000],
    ['1h30m', 5_400_000],
    ['45s', 45_000],
    ['6H', 21_600_000],
  ])('parses %s', (text, milliseconds) => {
    expect(readSettings(inputs({ 'run-interval': text }), ACTIONS_ENV).runIntervalMs).toBe(
      milliseconds,
    );
  });

  it('formats back to the compact form', () => {
    expect(formatDuration(5_400_000)).toBe('1h30m');
    expect(formatDuration(86_400_000)).toBe('1d');
  });
});
