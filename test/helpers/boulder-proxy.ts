import { readFileSync } from 'node:fs';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';

import type { Testbed } from './testbed.js';

/**
 * HTTPS reverse proxy on 127.0.0.1 in front of Pebble that behaves like Boulder
 * (Let's Encrypt's CA) where the two differ on `replaces` (RFC 9773):
 *
 * - Boulder counts an order as a replacement from the moment it is created, so a
 *   pending, ready, processing or valid order naming a certificate blocks a second
 *   one until it becomes invalid or expires. Pebble blocks only after finalization.
 * - Boulder rejects the second order with 409 `alreadyReplaced` (since 2025-03) or
 *   409 `conflict` (from 2024-03 to 2025-03), with the detail
 *   `Cannot indicate an order replaces certificate with serial "<hex>", which already
 *   has a replacement order`.
 *
 * Every other request passes through unchanged, headers included. The proxy keeps
 * the client's Host header, so Pebble builds every URL (directory, Location, Link)
 * on the proxy's address and the client keeps talking through it. The directory is
 * also rewritten in case an upstream builds URLs from its own address instead.
 *
 * NOTE: a blocking order is only seen to end when the client fetches it through the
 * proxy. An order left pending and never fetched again blocks until its `expires`.
 */

/** Problem types Boulder used for a second replacement order: since 2025-03, and before. */
export type BoulderMode = 'boulder' | 'boulder-2024';

const PROBLEM_TYPE: Record<BoulderMode, string> = {
  boulder: 'urn:ietf:params:acme:error:alreadyReplaced',
  'boulder-2024': 'urn:ietf:params:acme:error:conflict',
};

/** An order created through the proxy that named a certificate in `replaces`. */
export interface ReplacementOrder {
  replaces: string;
  orderUrl: string;
  status: string;
  expires?: string;
}

/** A newOrder that the proxy rejected instead of forwarding. */
export interface ProxyRefusal {
  replaces: string;
  blockedBy: string;
  at: Date;
}

export interface BoulderProxyOptions {
  /** Pebble's directory URL. */
  upstreamDirectoryUrl: string;
  /** PEM of the root that signs Pebble's TLS certificate. */
  upstreamCaPem: string;
  /** TLS certificate and key of the proxy's own listener, valid for 127.0.0.1. */
  tls: { cert: string; key: string };
  mode?: BoulderMode;
}

export class BoulderProxy {
  /** Which Boulder generation to emulate; tests may switch it between requests. */
  mode: BoulderMode;
  readonly replacementOrders: ReplacementOrder[] = [];
  readonly refusals: ProxyRefusal[] = [];
  /** Method and path of every request, in order, for tests that check what a client asked. */
  readonly requests: Array<{ method: string; path: string }> = [];
  /** Changes the directory as served, to emulate other CAs (no ARI, EAB required). */
  editDirectory?: (directory: Record<string, unknown>) => void;

  private readonly upstream: URL;
  private readonly server: https.Server;
  private port = 0;
  private newOrderPath = '/order-plz';
  private newNoncePath = '/nonce-plz';

  private constructor(private readonly options: BoulderProxyOptions) {
    this.mode = options.mode ?? 'boulder';
    this.upstream = new URL(options.upstreamDirectoryUrl);
    this.server = https.createServer(
      { cert: options.tls.cert, key: options.tls.key },
      (request, response) => {
        this.handle(request, response).catch((error: unknown) => {
          const reason = error instanceof Error ? error.message : String(error);
          process.stderr.write(
            `boulder proxy: ${request.method} ${request.url} failed: ${reason}\n`,
          );
          if (!response.headersSent) response.writeHead(502, { 'content-type': 'text/plain' });
          response.end(`boulder proxy failed: ${reason}`);
        });
      },
    );
  }

  static async start(options: BoulderProxyOptions): Promise<BoulderProxy> {
    const proxy = new BoulderProxy(options);
    await new Promise<void>((resolve) => proxy.server.listen(0, '127.0.0.1', resolve));
    proxy.port = (proxy.server.address() as AddressInfo).port;
    return proxy;
  }

  /** Starts a proxy in front of the test bed's Pebble, with the test bed's TLS leaf. */
  static startForTestbed(testbed: Testbed, mode: BoulderMode = 'boulder'): Promise<BoulderProxy> {
    const stateDir = dirname(testbed.caCertPath);
    return BoulderProxy.start({
      upstreamDirectoryUrl: testbed.directoryUrl,
      upstreamCaPem: testbed.caCertPem,
      tls: {
        cert: readFileSync(join(stateDir, 'tls-leaf.pem'), 'utf8'),
        key: readFileSync(join(stateDir, 'tls-leaf.key'), 'utf8'),
      },
      mode,
    });
  }

  get origin(): string {
    return `https://127.0.0.1:${this.port}`;
  }

  /** Directory URL for ACME clients, on the proxy. */
  get directoryUrl(): string {
    return `${this.origin}${this.upstream.pathname}`;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve, reject) =>
      this.server.close((error) => (error ? reject(error) : resolve())),
    );
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const body = await readBody(request);
    const path = request.url ?? '/';
    this.requests.push({ method: request.method ?? 'GET', path });

    if (request.method === 'POST' && path === this.newOrderPath) {
      const replaces = readReplaces(body);
      const blocking = replaces === undefined ? undefined : this.blockingOrder(replaces);
      if (replaces !== undefined && blocking) {
        await this.refuse(response, replaces, blocking);
        return;
      }
      const upstream = await this.forward(request, body);
      if (replaces !== undefined && upstream.status === 201) this.recordOrder(replaces, upstream);
      send(response, upstream);
      return;
    }

    const upstream = await this.forward(request, body);
    if (request.method === 'GET' && path === this.upstream.pathname && upstream.status === 200) {
      send(response, { ...upstream, body: this.rewriteDirectory(upstream.body) });
      return;
    }
    this.trackOrderUpdate(path, upstream);
    send(response, upstream);
  }

  /** Finds the order through the proxy that still blocks `replaces`, as Boulder would see it. */
  private blockingOrder(replaces: string): ReplacementOrder | undefined {
    const now = Date.now();
    return this.replacementOrders.find(
      (order) =>
        order.replaces === replaces &&
        order.status !== 'invalid' &&
        (order.expires === undefined || Date.parse(order.expires) > now),
    );
  }

  private async refuse(
    response: ServerResponse,
    replaces: string,
    blocking: ReplacementOrder,
  ): Promise<void> {
    this.refusals.push({ replaces, blockedBy: blocking.orderUrl, at: new Date() });
    const problem = {
      type: PROBLEM_TYPE[this.mode],
      detail: `Cannot indicate an order replaces certificate with serial "${serialHexOf(replaces)}", which already has a replacement order`,
      status: 409,
    };

    // Clients expect a fresh nonce on every response (RFC 8555 section 6.5), and the
    // request's own nonce never reached Pebble, so take a new one from upstream.
    const nonce = await this.forward(
      { method: 'HEAD', url: this.newNoncePath, headers: {} },
      Buffer.alloc(0),
    );
    const headers: Record<string, string> = {
      'content-type': 'application/problem+json',
      link: `<${this.directoryUrl}>;rel="index"`,
    };
    const replayNonce = nonce.headers['replay-nonce'];
    if (typeof replayNonce === 'string') headers['replay-nonce'] = replayNonce;

    response.writeHead(409, headers);
    response.end(JSON.stringify(problem));
  }

  private recordOrder(replaces: string, upstream: UpstreamResponse): void {
    const location = upstream.headers.location;
    const order = parseJson(upstream.body) as { status?: string; expires?: string } | undefined;
    if (typeof location !== 'string' || !order?.status) return;
    this.replacementOrders.push({
      replaces,
      orderUrl: location,
      status: order.status,
      expires: order.expires,
    });
  }

  /** Follows the status of replacement orders when their JSON passes through. */
  private trackOrderUpdate(path: string, upstream: UpstreamResponse): void {
    const location = upstream.headers.location;
    const candidates = [
      path,
      typeof location === 'string' ? new URL(location, this.origin).pathname : '',
    ];
    const order = this.replacementOrders.find((known) =>
      candidates.includes(new URL(known.orderUrl, this.origin).pathname),
    );
    if (!order) return;

    const json = parseJson(upstream.body) as { status?: unknown; expires?: unknown } | undefined;
    if (typeof json?.status === 'string') order.status = json.status;
    if (typeof json?.expires === 'string') order.expires = json.expires;
  }

  private rewriteDirectory(body: Buffer): Buffer {
    const directory = parseJson(body) as Record<string, unknown> | undefined;
    if (!directory) return body;

    const rewritten: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(directory)) {
      rewritten[key] =
        typeof value === 'string' ? value.replace(this.upstream.origin, this.origin) : value;
    }
    if (typeof rewritten.newOrder === 'string')
      this.newOrderPath = new URL(rewritten.newOrder).pathname;
    if (typeof rewritten.newNonce === 'string')
      this.newNoncePath = new URL(rewritten.newNonce).pathname;
    this.editDirectory?.(rewritten);
    return Buffer.from(JSON.stringify(rewritten));
  }

  private forward(
    request: { method?: string; url?: string; headers: IncomingHttpHeaders },
    body: Buffer,
  ): Promise<UpstreamResponse> {
    const headers: IncomingHttpHeaders = { ...request.headers, host: `127.0.0.1:${this.port}` };
    headers['user-agent'] ??= 'acme-lineage-boulder-proxy';
    headers['content-length'] = String(body.length);

    return new Promise((resolve, reject) => {
      const upstream = https.request(
        {
          host: this.upstream.hostname,
          port: this.upstream.port,
          method: request.method,
          path: request.url,
          headers,
          ca: this.options.upstreamCaPem,
        },
        (reply) => {
          readBody(reply).then(
            (replyBody) =>
              resolve({ status: reply.statusCode ?? 502, headers: reply.headers, body: replyBody }),
            reject,
          );
        },
      );
      upstream.on('error', reject);
      upstream.end(body);
    });
  }
}

interface UpstreamResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** Reads `replaces` from the payload of a flattened JWS, without checking the signature. */
export function readReplaces(body: Buffer): string | undefined {
  const jws = parseJson(body) as { payload?: unknown } | undefined;
  if (typeof jws?.payload !== 'string' || jws.payload === '') return undefined;
  const payload = parseJson(Buffer.from(jws.payload, 'base64url')) as
    { replaces?: unknown } | undefined;
  return typeof payload?.replaces === 'string' ? payload.replaces : undefined;
}

/** Formats the serial half of a certID as Boulder prints serials: hex, 36 digits at least. */
export function serialHexOf(certId: string): string {
  const serialPart = certId.split('.')[1] ?? '';
  const hex = Buffer.from(serialPart, 'base64url')
    .toString('hex')
    .replace(/^(00)+/, '');
  return hex.padStart(36, '0');
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

async function readBody(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream)
    chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  return Buffer.concat(chunks);
}

// Hop-by-hop headers describe the upstream connection, not the reply.
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length']);

function send(response: ServerResponse, upstream: UpstreamResponse): void {
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(upstream.headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name)) headers[name] = value;
  }
  headers['content-length'] = String(upstream.body.length);
  response.writeHead(upstream.status, headers);
  response.end(upstream.body);
}
