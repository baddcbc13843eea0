import { describe, expect, it } from 'vitest';

import { HELP, parseCliArgs, UsageError } from '../../src/cli/args.js';
import { main } from '../../src/cli/main.js';

describe('command-line arguments', () => {
  it('parses renew with every option', () => {
    const options = parseCliArgs([
      'renew',
      '--manifest',
      'm.yml',
      '--state',
      '/repo',
      '--state-branch',
      'state',
      '--account-key',
      'k.pem',
      '--output',
      'out',
      '--interval',
      '90m',
      '--concurrency',
      '8',
      '--order-timeout',
      '2m',
      '--refresh-ari',
      '--dry-run',
    ]);

    expect(options).not.toBe('help');
    if (options === 'help') return;
    expect(options.mode).toBe('renew');
    expect(options.intervalMs).toBe(90 * 60_000);
    expect(options.orderTimeoutMs).toBe(120_000);
    expect(options.concurrency).toBe(8);
    expect(options.refreshAri).toBe(true);
    expect(options.dryRun).toBe(true);
    expect(options.stateBranch).toBe('state');
  });

  it('rejects an unknown command with the expected ones', () => {
    expect(() => parseCliArgs(['renw'])).toThrow(UsageError);
    expect(() => parseCliArgs(['renw'])).toThrow(/Expected renew, plan or check/);
  });

  it('names the option of an invalid duration', () => {
    expect(() => parseCliArgs(['plan', '--interval', 'six hours'])).toThrow(
      /Invalid --interval 'six hours'/,
    );
  });

  it('rejects a concurrency outside 1..64', () => {
    expect(() => parseCliArgs(['plan', '--concurrency', '0'])).toThrow(/--concurrency/);
  });

  it('prints help and exits 0', async () => {
    let printed = '';
    const code = await main(['--help'], {}, { stdout: (text) => (printed += text) });

    expect(code).toBe(0);
    expect(printed).toBe(HELP);
    expect(printed).toMatch(/--refresh-ari/);
  });

  it('exits 2 on a usage error', async () => {
    const code = await main(['bogus'], {}, { stdout: () => {} });

    expect(code).toBe(2);
  });
});
