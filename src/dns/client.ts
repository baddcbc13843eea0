import { randomInt } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { lookup } from 'node:dns/promises';
import { connect, isIP } from 'node:net';
import dnsPacket from 'dns-packet';
import type { DecodedPacket, RecordType } from 'dns-packet';

/** Raised when a DNS exchange fails: timeout, connection error or a malformed response. */
export class DnsClientError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DnsClientError';
  }
}

export interface DnsServerAddress {
  host: string;
  port: number;
}

export type DnsTransport = 'udp' | 'tcp';

export interface ExchangeOptions {
  /** Time to wait for one response, in milliseconds. */
  timeoutMs?: number;
  /** `udp` falls back to TCP when the response is truncated; `tcp` uses TCP only. */
  transport?: DnsTransport;
  /** Number of UDP sends before giving up, because UDP datagrams can be lost. */
  udpAttempts?: number;
}

export interface QueryOptions extends ExchangeOptions {
  /** Set RD, for queries sent to a recursive resolver instead of an authoritative server. */
  recursionDesired?: boolean;
}

export const DEFAULT_DNS_TIMEOUT_MS = 3000;
const DEFAULT_UDP_ATTEMPTS = 2;
const TRUNCATED_FLAG = 0x0200;

/** Parses `host`, `host:port`, `[v6]:port` or a bare IPv6 address; the port defaults to 53. */
export function parseServerAddress(address: string): DnsServerAddress {
  const text = address.trim();
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  if (bracketed) return { host: bracketed[1] ?? '', port: parsePort(bracketed[2], address) };
  if (isIP(text) === 6) return { host: text, port: 53 };

  const colon = text.lastIndexOf(':');
  const host = colon === -1 ? text : text.slice(0, colon);
  const port = colon === -1 ? undefined : text.slice(colon + 1);
  if (host === '') {
    throw new DnsClientError(
      `Invalid DNS server address '${address}'. Expected host or host:port, for example 127.0.0.1:53.`,
    );
  }
  return { host, port: parsePort(port, address) };
}

function parsePort(port: string | undefined, address: string): number {
  if (port === undefined) return 53;
  const value = Number(port);
  if (!/^\d+$/.test(port) || value < 1 || value > 65535) {
    throw new DnsClientError(
      `Invalid port in DNS server address '${address}'. Expected a number from 1 to 65535.`,
    );
  }
  return value;
}

/** Formats an address back to `host:port`, bracketing IPv6 hosts. */
export function formatServerAddress(server: DnsServerAddress): string {
  const host = isIP(server.host) === 6 ? `[${server.host}]` : server.host;
  return `${host}:${server.port}`;
}

/** Returns a random message ID, so that a forged response has to guess it (RFC 5452). */
export function newMessageId(): number {
  return randomInt(0, 0x10000);
}

/**
 * Sends one DNS message and returns the raw response whose ID matches. Over UDP a
 * truncated response (TC set) is retried over TCP, as RFC 7766 section 5 requires.
 */
export async function exchange(
  server: string,
  message: Buffer,
  options: ExchangeOptions = {},
): Promise<Buffer> {
  const address = parseServerAddress(server);
  const timeoutMs = options.timeoutMs ?? DEFAULT_DNS_TIMEOUT_MS;
  if (options.transport === 'tcp') return exchangeTcp(address, message, timeoutMs);

  const attempts = options.udpAttempts ?? DEFAULT_UDP_ATTEMPTS;
  let lastError: unknown;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      const response = await exchangeUdp(address, message, timeoutMs);
      if ((response.readUInt16BE(2) & TRUNCATED_FLAG) !== 0)
        return exchangeTcp(address, message, timeoutMs);
      return response;
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError;
}

async function resolveHost(host: string): Promise<{ ip: string; family: 4 | 6 }> {
  const family = isIP(host);
  if (family === 4 || family === 6) return { ip: host, family };
  try {
    const found = await lookup(host);
    return { ip: found.address, family: found.family === 6 ? 6 : 4 };
  } catch (error) {
    throw new DnsClientError(`Cannot resolve DNS server host '${host}': ${describe(error)}`);
  }
}

async function exchangeUdp(
  server: DnsServerAddress,
  message: Buffer,
  timeoutMs: number,
): Promise<Buffer> {
  const { ip, family } = await resolveHost(server.host);
  const expectedId = message.readUInt16BE(0);
  const socket = createSocket(family === 6 ? 'udp6' : 'udp4');

  return new Promise<Buffer>((resolve, reject) => {
    let done = false;
    const finish = (error: Error | undefined, response?: Buffer): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.close();
      if (error) reject(error);
      else resolve(response as Buffer);
    };
    const timer = setTimeout(
      () =>
        finish(
          new DnsClientError(
            `No response from DNS server ${formatServerAddress(server)} over UDP within ${timeoutMs} ms.`,
          ),
        ),
      timeoutMs,
    );

    // Datagrams from another address or with another ID are dropped, because they are not the response.
    socket.on('message', (response, remote) => {
      if (
        remote.address !== ip ||
        remote.port !== server.port ||
        response.length < 12 ||
        response.readUInt16BE(0) !== expectedId
      )
        return;
      finish(undefined, response);
    });
    socket.on('error', (error) =>
      finish(
        new DnsClientError(
          `UDP exchange with DNS server ${formatServerAddress(server)} failed: ${error.message}`,
        ),
      ),
    );
    socket.send(message, server.port, ip);
  });
}

async function exchangeTcp(
  server: DnsServerAddress,
  message: Buffer,
  timeoutMs: number,
): Promise<Buffer> {
  const { ip } = await resolveHost(server.host);
  const framed = Buffer.concat([Buffer.alloc(2), message]);
  framed.writeUInt16BE(message.length, 0);

  return new Promise<Buffer>((resolve, reject) => {
    let received = Buffer.alloc(0);
    const socket = connect({ host: ip, port: server.port });
    let done = false;
    const finish = (error: Error | undefined, response?: Buffer): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      if (error) reject(error);
      else resolve(response as Buffer);
    };
    const timer = setTimeout(
      () =>
        finish(
          new DnsClientError(
            `No response from DNS server ${formatServerAddress(server)} over TCP within ${timeoutMs} ms.`,
          ),
        ),
      timeoutMs,
    );

    socket.on('connect', () => socket.write(framed));
    socket.on('data', (chunk) => {
      received = Buffer.concat([received, chunk]);
      if (received.length < 2) return;
      const length = received.readUInt16BE(0);
      if (received.length >= length + 2) finish(undefined, received.subarray(2, length + 2));
    });
    socket.on('error', (error) =>
      finish(
        new DnsClientError(
          `TCP exchange with DNS server ${formatServerAddress(server)} failed: ${error.message}`,
        ),
      ),
    );
    socket.on('close', () =>
      finish(
        new DnsClientError(
          `DNS server ${formatServerAddress(server)} closed the TCP connection before a full response.`,
        ),
      ),
    );
  });
}

/** A decoded response with its RCODE, which the dns-packet types leave out. */
export interface DnsResponse {
  packet: DecodedPacket;
  rcode: string;
}

/** Sends a query for `name`/`type` (class IN) and returns the decoded response. */
export async function query(
  server: string,
  name: string,
  type: RecordType,
  options: QueryOptions = {},
): Promise<DnsResponse> {
  const id = newMessageId();
  const message = dnsPacket.encode({
    type: 'query',
    id,
    flags: options.recursionDesired ? dnsPacket.RECURSION_DESIRED : 0,
    questions: [{ type, name, class: 'IN' }],
  });

  const raw = await exchange(server, message, options);
  let packet: DecodedPacket;
  try {
    packet = dnsPacket.decode(raw);
  } catch (error) {
    throw new DnsClientError(
      `Malformed response from DNS server ${server} to ${type} ${name}: ${describe(error)}`,
    );
  }

  const question = packet.questions?.[0];
  if (question && (question.name.toLowerCase() !== name.toLowerCase() || question.type !== type)) {
    throw new DnsClientError(
      `DNS server ${server} responded to ${question.type} ${question.name} instead of ${type} ${name}.`,
    );
  }
  return { packet, rcode: rcodeName(raw.readUInt16BE(2) & 0x0f) };
}

const RCODE_NAMES = [
  'NOERROR',
  'FORMERR',
  'SERVFAIL',
  'NXDOMAIN',
  'NOTIMP',
  'REFUSED',
  'YXDOMAIN',
  'YXRRSET',
  'NXRRSET',
  'NOTAUTH',
  'NOTZONE',
];

/** Returns the mnemonic of an RCODE (RFC 1035 section 4.1.1, RFC 2136 section 2.2). */
export function rcodeName(code: number): string {
  return RCODE_NAMES[code] ?? `RCODE${code}`;
}

export function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
