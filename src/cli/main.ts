import { existsSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

import { configureAcmeHttp } from '../acme/session.js';
import { createPrivateKey } from '../acme/keys.js';
import { readEnv } from '../env.js';
import { createHttpClient } from '../http.js';
import { createGitLineageStore } from '../lineage/git-store.js';
import { createConsoleLogger, type Logger } from '../log.js';
import { loadManifest } from '../manifest/load.js';
import { createRunContext, runCertificates } from '../renew/run.js';
import type { RunResult } from '../renew/context.js';
import { userAgent } from '../version.js';
import { type CliOptions, HELP, parseCliArgs, UsageError } from './args.js';

/** Output targets of the command line; tests pass their own to read what a run printed. */
export interface CliIo {
  logger?: Logger;
  stdout?: (text: string) => void;
}

/** Runs the command line; returns the process exit code. */
export async function main(
  argv: string[],
  env: NodeJS.ProcessEnv = process.env,
  io: CliIo = {},
): Promise<number> {
  const stdout = io.stdout ?? ((text: string) => void process.stdout.write(text));
  let options: CliOptions | 'help';
  try {
    options = parseCliArgs(argv);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`acme-lineage: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
  if (options === 'help') {
    stdout(HELP);
    return 0;
  }

  const logger = io.logger ?? createConsoleLogger({ debug: options.debug });
  try {
    if (!existsSync(options.state)) {
      throw new Error(
        `State repository ${options.state} does not exist. Pass --state with the path of the git repository that contains (or will contain) the state branch.`,
      );
    }
    const manifest = await loadManifest(options.manifest);
    const caCertificates = options.caCertificates
      ? readFileSync(options.caCertificates, 'utf8')
      : undefined;
    const http = createHttpClient({ userAgent: userAgent(), caCertificates });
    configureAcmeHttp({ userAgent: userAgent(), agent: http.agent });

    const store = createGitLineageStore({
      repository: options.state,
      branch: options.stateBranch,
      logger,
    });
    const context = createRunContext({
      manifest,
      store,
      http,
      logger,
      env,
      settings: {
        mode: options.mode,
        accountKeyPem:
          options.mode === 'renew' ? await accountKey(options, env, logger.info) : undefined,
        externalAccountBinding: externalAccountBinding(options, env),
        outputDirectory: path.resolve(options.output),
        intervalToNextRunMs: options.intervalMs,
        concurrency: options.concurrency,
        refreshAri: options.refreshAri,
        dryRun: options.dryRun,
        orderTimeoutMs: options.orderTimeoutMs,
      },
    });

    const result = await runCertificates(context);
    http.close();
    stdout(formatSummary(result, options, store.description));
    if (result.failed > 0) return 1;
    const due = result.results.filter((item) => item.status.outcome === 'due');
    if (options.mode === 'check' && due.length > 0) {
      stdout(
        `check: ${due.length} certificate(s) due: ${due.map((item) => item.status.name).join(', ')}\n`,
      );
      return 1;
    }
    return 0;
  } catch (error) {
    logger.error(error instanceof Error ? error.message : String(error));
    return 1;
  }
}

async function accountKey(
  options: CliOptions,
  env: NodeJS.ProcessEnv,
  info: (line: string) => void,
): Promise<string | undefined> {
  const fromEnv = readEnv(env, 'ACME_ACCOUNT_KEY');
  if (fromEnv && options.accountKey) {
    throw new Error(
      'Both ACME_ACCOUNT_KEY (or ACME_ACCOUNT_KEY_FILE) and --account-key are set. Set only one: ' +
        'replaces works only for the account that ordered a certificate, so the key must not change by accident.',
    );
  }
  if (fromEnv) return fromEnv;
  if (!options.accountKey) return undefined;
  if (existsSync(options.accountKey)) return readFileSync(options.accountKey, 'utf8');
  if (options.dryRun) return undefined;
  if (!options.createAccountKey) {
    throw new Error(
      `Account key file ${options.accountKey} does not exist. Pass --create-account-key to create it.`,
    );
  }
  const key = await createPrivateKey('ec-p256');
  await mkdir(path.dirname(path.resolve(options.accountKey)), { recursive: true });
  await writeFile(options.accountKey, key, { mode: 0o600 });
  info(
    `created account key ${options.accountKey} (P-256); keep it: replaces works only for the same account`,
  );
  return key;
}

function externalAccountBinding(options: CliOptions, env: NodeJS.ProcessEnv) {
  const keyId = options.eabKeyId ?? readEnv(env, 'ACME_EAB_KEY_ID');
  const hmacKey = readEnv(env, 'ACME_EAB_HMAC_KEY');
  if (!keyId && !hmacKey) return undefined;
  if (!keyId || !hmacKey) {
    throw new Error(
      'External account binding needs both ACME_EAB_KEY_ID (or --eab-key-id) and ACME_EAB_HMAC_KEY.',
    );
  }
  return { keyId, hmacKey };
}

function formatSummary(result: RunResult, options: CliOptions, stateDescription: string): string {
  const lines = result.results.map((item) => {
    const { status } = item;
    const serial = status.newSerial ?? status.currentSerial ?? '-';
    return `${status.name.padEnd(20)} ${status.outcome.padEnd(8)} ${serial}  ${status.error ?? status.reason}`;
  });
  const renewed = result.results.filter((item) => item.files);
  if (renewed.length > 0) lines.push(`certificates written to ${path.resolve(options.output)}`);
  lines.push(`lineage: ${stateDescription}`);
  return `${lines.join('\n')}\n`;
}
