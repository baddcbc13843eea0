import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { parseDuration } from '../duration.js';

export type Mode = 'renew' | 'plan' | 'check';
export type Language = 'en' | 'zh-CN';
export type StateBackend = 'github' | 'git';

/** One part of a matrix of jobs: `index` is 1-based and at most `count`. */
export interface Shard {
  index: number;
  count: number;
}

/** Every input of the action, read once, validated and typed. */
export interface ActionSettings {
  manifestPath: string;
  mode: Mode;
  /** Event that started the workflow, such as `schedule` or `pull_request`, when known. */
  eventName?: string;
  accountKey?: string;
  externalAccountBinding?: { keyId: string; hmacKey: string };
  stateBranch: string;
  stateBackend: StateBackend;
  /** Local repository of the `git` backend, absolute. */
  stateRepositoryPath?: string;
  /** Repository of the `github` backend and of the plan comment, from GITHUB_REPOSITORY. */
  repository?: { owner: string; repo: string };
  token?: string;
  /** REST API root, from GITHUB_API_URL for GitHub Enterprise Server. */
  apiUrl?: string;
  outputDirectory: string;
  /** Time until the next scheduled run, in milliseconds. */
  runIntervalMs: number;
  language: Language;
  dryRun: boolean;
  /** Request renewal information on this run even before the Retry-After time of an earlier run. */
  refreshAri: boolean;
  concurrency: number;
  shard?: Shard;
  /** Extra trusted roots in PEM format. */
  caCertificates?: string;
  /** Values to register with `core.setSecret` before anything could print them. */
  secrets: string[];
}

/** Error for an invalid input. Its message names the input and the fix. */
export class SettingsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SettingsError';
  }
}

/** Input lookup by name. The action passes `core.getInput`, and the command line passes its flags. */
export type InputReader = (name: string) => string;

const MODES: readonly Mode[] = ['renew', 'plan', 'check'];
const PULL_REQUEST_EVENTS = new Set(['pull_request', 'pull_request_target']);
const MAX_CONCURRENCY = 64;

/**
 * Reads and validates every input. All problems are collected and raised together in
 * one {@link SettingsError}, so a user fixes the workflow file in one pass.
 */
export function readSettings(
  getInput: InputReader,
  env: NodeJS.ProcessEnv,
  eventName: string | undefined = env.GITHUB_EVENT_NAME,
): ActionSettings {
  const problems: string[] = [];
  const input = (name: string): string => getInput(name).trim();
  const check = <T>(parse: () => T, fallback: T): T => {
    try {
      return parse();
    } catch (error) {
      if (!(error instanceof SettingsError)) throw error;
      problems.push(error.message);
      return fallback;
    }
  };

  const token = input('token') || env.GITHUB_TOKEN?.trim() || undefined;
  const repository = check(() => parseRepository(env.GITHUB_REPOSITORY), undefined);
  const accountKey = check(() => parseAccountKey(getInput('account-key')), undefined);
  const externalAccountBinding = check(
    () => parseExternalAccountBinding(input('eab-key-id'), input('eab-hmac-key')),
    undefined,
  );
  const state = check(() => parseStateBackend(input, env, token, repository), {
    backend: 'git' as StateBackend,
  });

  const settings: ActionSettings = {
    manifestPath: input('manifest') || '.github/certificates.yml',
    mode: check(() => parseMode(input('mode'), eventName), 'plan'),
    eventName: eventName || undefined,
    accountKey,
    externalAccountBinding,
    stateBranch: check(() => parseBranch(input('state-branch') || 'acme-lineage'), ''),
    stateBackend: state.backend,
    stateRepositoryPath: state.path,
    repository,
    token,
    apiUrl: env.GITHUB_API_URL?.trim() || undefined,
    outputDirectory: input('output-directory') || join(env.RUNNER_TEMP || tmpdir(), 'acme-lineage'),
    runIntervalMs: check(() => parseInterval('run-interval', input('run-interval') || '6h'), 0),
    language: check(() => parseLanguage(input('language')), 'en'),
    dryRun: check(() => parseBoolean('dry-run', input('dry-run')), false),
    refreshAri: check(() => parseBoolean('refresh-ari', input('refresh-ari')), false),
    concurrency: check(() => parseConcurrency(input('concurrency')), 1),
    shard: check(() => parseShard(input('shard')), undefined),
    caCertificates: check(() => parseCaCertificates(input('ca-certificates')), undefined),
    secrets: [],
  };
  if (problems.length > 0) {
    throw new SettingsError(problems.join('\n'));
  }

  settings.secrets = collectSecrets(settings);
  return settings;
}

/** Lists each setting for a debug log, with secrets replaced by a placeholder. */
export function describeSettings(settings: ActionSettings): string[] {
  const secret = (value: string | undefined): string => (value ? '(set, redacted)' : '(not set)');
  const shard = settings.shard ? `${settings.shard.index}/${settings.shard.count}` : 'all';
  const repository = settings.repository
    ? `${settings.repository.owner}/${settings.repository.repo}`
    : '(none)';
  return [
    `manifest: ${settings.manifestPath}`,
    `mode: ${settings.mode}${settings.eventName ? ` (event ${settings.eventName})` : ''}`,
    `account-key: ${secret(settings.accountKey)}`,
    `eab-key-id: ${settings.externalAccountBinding?.keyId ?? '(not set)'}`,
    `eab-hmac-key: ${secret(settings.externalAccountBinding?.hmacKey)}`,
    `state-branch: ${settings.stateBranch}`,
    `state-backend: ${settings.stateBackend}`,
    `state-repository-path: ${settings.stateRepositoryPath ?? '(none)'}`,
    `repository: ${repository}`,
    `token: ${secret(settings.token)}`,
    `api-url: ${settings.apiUrl ?? '(default)'}`,
    `output-directory: ${settings.outputDirectory}`,
    `run-interval: ${formatDuration(settings.runIntervalMs)}`,
    `language: ${settings.language}`,
    `dry-run: ${settings.dryRun}`,
    `refresh-ari: ${settings.refreshAri}`,
    `concurrency: ${settings.concurrency}`,
    `shard: ${shard}`,
    `ca-certificates: ${settings.caCertificates ? 'set' : '(not set)'}`,
  ];
}

function parseMode(value: string, eventName: string | undefined): Mode {
  if (value === '') {
    return eventName && PULL_REQUEST_EVENTS.has(eventName) ? 'plan' : 'renew';
  }
  const mode = value.toLowerCase();
  if (!(MODES as readonly string[]).includes(mode)) {
    throw new SettingsError(
      `Invalid mode '${value}'. Expected renew, plan or check, or leave it empty to pick plan on pull requests and renew otherwise.`,
    );
  }
  return mode as Mode;
}

function parseRepository(value: string | undefined): { owner: string; repo: string } | undefined {
  if (!value?.trim()) return undefined;
  const match = /^([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+)$/.exec(value.trim());
  if (!match) {
    throw new SettingsError(
      `Invalid GITHUB_REPOSITORY '${value}'. Expected format {owner}/{repo}.`,
    );
  }
  return { owner: match[1] as string, repo: match[2] as string };
}

function parseAccountKey(raw: string): string | undefined {
  const value = raw.trim();
  if (value === '') return undefined;
  if (
    !/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(value) ||
    !/-----END [A-Z ]*PRIVATE KEY-----/.test(value)
  ) {
    // The value itself is a secret, so the message must not quote it.
    throw new SettingsError(
      'Invalid account-key: not a PEM private key. Pass the whole PEM text, from -----BEGIN ... PRIVATE KEY----- to the END line, from a secret.',
    );
  }
  return `${value}\n`;
}

function parseExternalAccountBinding(
  keyId: string,
  hmacKey: string,
): { keyId: string; hmacKey: string } | undefined {
  if (keyId === '' && hmacKey === '') return undefined;
  if (keyId === '' || hmacKey === '') {
    const missing = keyId === '' ? 'eab-key-id' : 'eab-hmac-key';
    throw new SettingsError(
      `Missing ${missing}. External account binding needs both eab-key-id and eab-hmac-key, so set both or neither.`,
    );
  }
  if (!/^[A-Za-z0-9_-]+=*$/.test(hmacKey)) {
    throw new SettingsError(
      'Invalid eab-hmac-key: expected base64url text as the CA issued it (letters, digits, - and _).',
    );
  }
  return { keyId, hmacKey };
}

function parseStateBackend(
  input: (name: string) => string,
  env: NodeJS.ProcessEnv,
  token: string | undefined,
  repository: { owner: string; repo: string } | undefined,
): { backend: StateBackend; path?: string } {
  const value = (input('state-backend') || 'auto').toLowerCase();
  const localPath = input('state-repository-path');
  const gitPath = resolve(localPath || env.GITHUB_WORKSPACE || '.');

  if (value === 'auto') {
    return token && repository && localPath === ''
      ? { backend: 'github' }
      : { backend: 'git', path: gitPath };
  }
  if (value === 'git') {
    return { backend: 'git', path: gitPath };
  }
  if (value !== 'github') {
    throw new SettingsError(`Invalid state-backend '${value}'. Expected auto, github or git.`);
  }
  if (localPath !== '') {
    throw new SettingsError(
      `Invalid state-repository-path '${localPath}' with state-backend github, which writes through the API. Remove one of the two inputs.`,
    );
  }
  if (!token) {
    throw new SettingsError(
      'Missing token for state-backend github. Set the token input or GITHUB_TOKEN, or use state-backend git.',
    );
  }
  if (!repository) {
    throw new SettingsError(
      'Missing GITHUB_REPOSITORY for state-backend github. Set it to {owner}/{repo}, or use state-backend git.',
    );
  }
  return { backend: 'github' };
}

/**
 * Checks the rules of `git check-ref-format` that a user is likely to break, so a bad
 * branch name fails before the first API call.
 */
function parseBranch(value: string): string {
  const invalid =
    /[\s~^:?*[\\]|\.\.|@\{|\/\/|^[/.-]|[/.]$|\.lock$|\.lock\//.test(value) || value === '@';
  if (invalid) {
    throw new SettingsError(
      `Invalid state-branch '${value}'. Expected a git branch name such as acme-lineage, without spaces, '..', '~', '^', ':' or a leading '-'.`,
    );
  }
  return value.startsWith('refs/heads/') ? value.slice('refs/heads/'.length) : value;
}

const DURATION_UNITS_MS: Record<string, number> = {
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

function parseInterval(inputName: string, value: string): number {
  const milliseconds = parseDuration(value.toLowerCase());
  if (milliseconds === undefined) {
    throw new SettingsError(
      `Invalid ${inputName} '${value}'. Expected a duration such as 90m, 6h, 1d or 1h30m (units s, m, h, d).`,
    );
  }
  if (milliseconds <= 0) {
    throw new SettingsError(
      `Invalid ${inputName} '${value}'. Expected a duration greater than zero.`,
    );
  }
  return milliseconds;
}

/** Formats milliseconds with the largest units that divide it, such as `1h30m`. */
export function formatDuration(milliseconds: number): string {
  let rest = Math.round(milliseconds / 1000) * 1000;
  let text = '';
  for (const [unit, size] of Object.entries(DURATION_UNITS_MS).reverse()) {
    const amount = Math.floor(rest / size);
    if (amount > 0) {
      text += `${amount}${unit}`;
      rest -= amount * size;
    }
  }
  return text || '0s';
}

function parseLanguage(value: string): Language {
  if (value === '' || value.toLowerCase() === 'en') return 'en';
  if (value.toLowerCase() === 'zh-cn') return 'zh-CN';
  throw new SettingsError(`Invalid language '${value}'. Expected en or zh-CN.`);
}

/** Accepts the YAML 1.2 core schema booleans, as `core.getBooleanInput` does. */
function parseBoolean(inputName: string, value: string): boolean {
  if (value === '') return false;
  if (['true', 'True', 'TRUE'].includes(value)) return true;
  if (['false', 'False', 'FALSE'].includes(value)) return false;
  throw new SettingsError(`Invalid ${inputName} '${value}'. Expected true or false.`);
}

function parseConcurrency(value: string): number {
  if (value === '') return 4;
  const number = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isInteger(number) || number < 1 || number > MAX_CONCURRENCY) {
    throw new SettingsError(
      `Invalid concurrency '${value}'. Expected a whole number from 1 to ${MAX_CONCURRENCY}.`,
    );
  }
  return number;
}

/** Parses `i/n`. The command line accepts the same form, so it is exported. */
export function parseShard(value: string): Shard | undefined {
  if (value === '') return undefined;
  const match = /^(\d+)\s*\/\s*(\d+)$/.exec(value);
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (!match || index < 1 || count < 1 || index > count) {
    throw new SettingsError(
      `Invalid shard '${value}'. Expected i/n with 1 <= i <= n, for example 2/4.`,
    );
  }
  return { index, count };
}

function parseCaCertificates(value: string): string | undefined {
  if (value === '') return undefined;
  let pem = value;
  if (!value.includes('-----BEGIN')) {
    try {
      pem = readFileSync(value, 'utf8');
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new SettingsError(
        `Invalid ca-certificates: '${value}' is neither PEM text nor a readable file (${reason}). Pass the PEM text or the path of a PEM file.`,
      );
    }
  }
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) {
    throw new SettingsError(
      'Invalid ca-certificates: no -----BEGIN CERTIFICATE----- block found. Pass one or more PEM certificates.',
    );
  }
  return `${pem.trim()}\n`;
}

/**
 * Lists each secret whole and also each line of a multi-line secret, so a single
 * printed line of a PEM key is masked whatever the runner does with multi-line values.
 */
function collectSecrets(settings: ActionSettings): string[] {
  const secrets = new Set<string>();
  const add = (value: string | undefined): void => {
    if (!value) return;
    secrets.add(value);
    for (const line of value.split(/\r?\n/)) {
      const trimmed = line.trim();
      if (trimmed.length >= 8 && !trimmed.startsWith('-----')) secrets.add(trimmed);
    }
  };

  add(settings.accountKey);
  add(settings.externalAccountBinding?.hmacKey);
  add(settings.token);
  return [...secrets];
}
