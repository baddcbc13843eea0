import { parseArgs } from 'node:util';

import { parseDuration } from '../duration.js';
import type { RunMode } from '../renew/context.js';

export const HELP = `Usage: acme-lineage <renew|plan|check> [options]

Renews the certificates of a manifest when their CA's ARI window (RFC 9773) or
their lifetime says so, and records their lineage on a git state branch.

Commands:
  renew    order every certificate that is due and commit the lineage
  plan     show what the next renew would do; orders and commits nothing
  check    like plan, and exits 1 when any certificate is due or failed

Options:
  --manifest FILE         manifest path (default .github/certificates.yml)
  --state PATH            git repository that holds the state branch (default .)
  --state-branch NAME     state branch (default acme-lineage)
  --account-key FILE      ACME account key, PEM (or ACME_ACCOUNT_KEY / ACME_ACCOUNT_KEY_FILE)
  --create-account-key    create the --account-key file when it does not exist
  --eab-key-id ID         external account binding key id (or ACME_EAB_KEY_ID)
  --output DIR            where certificates and keys are written (default ./certificates)
  --ca-certificates FILE  extra PEM roots to trust for the CA, for a private CA
  --interval DURATION     time to the next scheduled run, e.g. 6h or 90m (default 6h)
  --concurrency N         certificates processed at once (default 4)
  --order-timeout DURATION  longest wait for one order to settle (default 10m)
  --refresh-ari           ask the CA for renewal information now, even before the
                          Retry-After it sent last time (for runs started by hand)
  --dry-run               decide and log, order and commit nothing
  --debug                 log debug lines
  -h, --help              show this help

Secrets come from the environment, never from flags: ACME_EAB_HMAC_KEY, and the DNS
provider's variables (for RFC 2136: RFC2136_NAMESERVER, RFC2136_TSIG_KEY,
RFC2136_TSIG_SECRET, RFC2136_TSIG_ALGORITHM); each also as NAME_FILE.
`;

export interface CliOptions {
  mode: RunMode;
  manifest: string;
  state: string;
  stateBranch: string;
  accountKey?: string;
  createAccountKey: boolean;
  eabKeyId?: string;
  output: string;
  caCertificates?: string;
  intervalMs: number;
  concurrency: number;
  orderTimeoutMs: number;
  refreshAri: boolean;
  dryRun: boolean;
  debug: boolean;
}

/** Raised for invalid command-line input; the message names the option and the fix. */
export class UsageError extends Error {}

/** Parses argv (without node and the script) into typed options, or returns 'help'. */
export function parseCliArgs(argv: string[]): CliOptions | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        manifest: { type: 'string', default: '.github/certificates.yml' },
        state: { type: 'string', default: '.' },
        'state-branch': { type: 'string', default: 'acme-lineage' },
        'account-key': { type: 'string' },
        'create-account-key': { type: 'boolean', default: false },
        'eab-key-id': { type: 'string' },
        output: { type: 'string', default: './certificates' },
        'ca-certificates': { type: 'string' },
        interval: { type: 'string', default: '6h' },
        concurrency: { type: 'string', default: '4' },
        'order-timeout': { type: 'string', default: '10m' },
        'refresh-ari': { type: 'boolean', default: false },
        'dry-run': { type: 'boolean', default: false },
        debug: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    throw new UsageError(
      `${error instanceof Error ? error.message : String(error)}. Run acme-lineage --help for the options.`,
    );
  }
  const { values, positionals } = parsed;
  if (values.help) return 'help';

  const command = positionals[0];
  if (command !== 'renew' && command !== 'plan' && command !== 'check') {
    throw new UsageError(
      `Unknown or missing command '${command ?? ''}'. Expected renew, plan or check.`,
    );
  }
  if (positionals.length > 1) throw new UsageError(`Unexpected argument '${positionals[1]}'.`);

  const concurrency = Number(values.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) {
    throw new UsageError(
      `Invalid --concurrency '${values.concurrency}'. Expected a whole number from 1 to 64.`,
    );
  }
  return {
    mode: command,
    manifest: values.manifest,
    state: values.state,
    stateBranch: values['state-branch'],
    accountKey: values['account-key'],
    createAccountKey: values['create-account-key'],
    eabKeyId: values['eab-key-id'],
    output: values.output,
    caCertificates: values['ca-certificates'],
    intervalMs: durationOption('--interval', values.interval),
    concurrency,
    orderTimeoutMs: durationOption('--order-timeout', values['order-timeout']),
    refreshAri: values['refresh-ari'],
    dryRun: values['dry-run'],
    debug: values.debug,
  };
}

function durationOption(name: string, text: string): number {
  const value = parseDuration(text);
  if (value === undefined || value <= 0) {
    throw new UsageError(`Invalid ${name} '${text}'. Expected a duration such as 90m, 6h or 1d.`);
  }
  return value;
}
