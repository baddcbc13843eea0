import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { promisify } from 'node:util';

import type { DnsSettings } from '../../src/manifest/types.js';
import type { Testbed } from '../helpers/testbed.js';

const execFileAsync = promisify(execFile);

/** Returns a label unique to this test run, so parallel runs on the shared BIND do not collide. */
export function uniqueLabel(prefix = 't'): string {
  return `${prefix}${randomBytes(5).toString('hex')}`;
}

/** Environment that configures the RFC 2136 provider for the test bed's BIND. */
export function rfc2136Env(
  testbed: Testbed,
  key: 'sha256' | 'sha512' = 'sha256',
): NodeJS.ProcessEnv {
  const tsig = testbed.dns.tsig[key];
  return {
    RFC2136_NAMESERVER: testbed.dns.server,
    RFC2136_TSIG_KEY: tsig.name,
    RFC2136_TSIG_SECRET: tsig.secret,
    RFC2136_TSIG_ALGORITHM: tsig.algorithm,
  };
}

export function rfc2136Settings(overrides: Partial<DnsSettings> = {}): DnsSettings {
  return { provider: 'rfc2136', options: {}, ...overrides };
}

/** Runs BIND's own nsupdate with the test bed's key, to make changes the product did not make. */
export async function nsupdate(testbed: Testbed, commands: string[]): Promise<void> {
  const key = testbed.dns.tsig.sha256;
  const script = [`server ${testbed.dns.host} ${testbed.dns.port}`, ...commands, 'send', ''].join(
    '\n',
  );
  const child = execFileAsync('nsupdate', ['-y', `${key.algorithm}:${key.name}:${key.secret}`]);
  child.child.stdin?.end(script);
  await child;
}

/** Runs dig against the test bed and returns its full output. */
export async function dig(testbed: Testbed, args: string[]): Promise<string> {
  const { stdout } = await execFileAsync('dig', [
    `@${testbed.dns.host}`,
    '-p',
    String(testbed.dns.port),
    ...args,
  ]);
  return stdout;
}

/** Opens a UDP socket on loopback that reads queries and never responds. */
export async function silentUdpServer(): Promise<{ address: string; close: () => void }> {
  const socket: Socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  socket.on('message', () => undefined);
  return { address: `127.0.0.1:${socket.address().port}`, close: () => socket.close() };
}
