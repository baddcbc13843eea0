import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { Testbed, TsigKey } from '../helpers/testbed.js';

/**
 * Runs the BIND command line tools (bind9-dnsutils) against the test bed, so these
 * tests check the servers with the same tools an operator would use.
 */

export interface ToolResult {
  status: number | null;
  output: string;
}

function run(command: string, args: string[], input?: string): ToolResult {
  const result = spawnSync(command, args, { input, encoding: 'utf8', timeout: 20_000 });
  if (result.error) {
    throw new Error(`${command} failed to run (install bind9-dnsutils): ${result.error.message}`);
  }
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

/**
 * Sends `updates` (nsupdate `update ...` lines) to the test bed's server in one
 * RFC 2136 message, signed with `key` when given. The key goes through a file so
 * its secret never appears in a command line.
 */
export function nsupdate(
  testbed: Testbed,
  key: TsigKey | undefined,
  updates: string[],
): ToolResult {
  const script = [`server ${testbed.dns.host} ${testbed.dns.port}`, ...updates, 'send', ''].join(
    '\n',
  );
  if (key === undefined) {
    return run('nsupdate', [], script);
  }

  const folder = mkdtempSync(join(tmpdir(), 'testbed-tsig-'));
  const keyPath = join(folder, 'tsig.key');
  try {
    writeFileSync(
      keyPath,
      `key "${key.name}" {\n  algorithm ${key.algorithm};\n  secret "${key.secret}";\n};\n`,
      { mode: 0o600 },
    );
    return run('nsupdate', ['-k', keyPath], script);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

/** Returns the response code (`NOERROR`, `NXDOMAIN`, ...) of a dig query over UDP. */
export function digStatus(testbed: Testbed, type: string, name: string): string {
  const result = run('dig', [
    `@${testbed.dns.host}`,
    '-p',
    String(testbed.dns.port),
    '+time=2',
    '+tries=1',
    type,
    name,
  ]);
  const match = /status: ([A-Z]+)/.exec(result.output);
  if (match?.[1] === undefined) {
    throw new Error(
      `dig ${type} ${name} printed no status (exit ${result.status}): ${result.output}`,
    );
  }
  return match[1];
}

/** Queries `type` records of `name` with dig over UDP or TCP. Returns the `+short` lines. */
export function dig(
  testbed: Testbed,
  type: string,
  name: string,
  transport: 'udp' | 'tcp' = 'udp',
): string[] {
  const result = run('dig', [
    `@${testbed.dns.host}`,
    '-p',
    String(testbed.dns.port),
    transport === 'tcp' ? '+tcp' : '+notcp',
    '+short',
    '+time=2',
    '+tries=1',
    type,
    name,
  ]);
  if (result.status !== 0) {
    throw new Error(
      `dig ${type} ${name} over ${transport} failed (exit ${result.status}): ${result.output}`,
    );
  }
  return result.output.split('\n').filter((line) => line !== '');
}
