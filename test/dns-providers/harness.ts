import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';

/** One request as the fake server received it. */
export interface ReceivedRequest {
  method: string;
  /** Path with the query string, as sent. */
  path: string;
  url: URL;
  headers: IncomingMessage['headers'];
  body: string;
}

/** Reply of a fake server; an object body is sent as JSON, a string body as it is. */
export interface FakeReply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface FakeServer {
  /** Base URL, `http://127.0.0.1:<port>`. */
  url: string;
  requests: ReceivedRequest[];
  close(): Promise<void>;
}

/** Starts an HTTP server on a random loopback port that replies to every request with `handle`. */
export async function startFakeServer(
  handle: (request: ReceivedRequest) => FakeReply | Promise<FakeReply>,
): Promise<FakeServer> {
  const requests: ReceivedRequest[] = [];
  const server = createServer((incoming, outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const path = incoming.url ?? '/';
      const request: ReceivedRequest = {
        method: incoming.method ?? 'GET',
        path,
        url: new URL(path, `http://${incoming.headers.host ?? '127.0.0.1'}`),
        headers: incoming.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(request);
      Promise.resolve()
        .then(() => handle(request))
        .catch((error: unknown): FakeReply => ({
          status: 500,
          body: { fakeServerError: String(error) },
        }))
        .then((reply) => {
          const text =
            typeof reply.body === 'string'
              ? reply.body
              : reply.body === undefined
                ? ''
                : JSON.stringify(reply.body);
          const type = typeof reply.body === 'string' ? 'text/xml' : 'application/json';
          outgoing.writeHead(reply.status, { 'content-type': type, ...reply.headers });
          outgoing.end(text);
        });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

const FIXTURES = fileURLToPath(new URL('../fixtures/dns-providers/', import.meta.url));

/**
 * Reads `test/fixtures/dns-providers/<provider>/<name>.json`, a reply with `status` and
 * `body`; `{{baseUrl}}` in the file is replaced so links point at the fake server.
 */
export function fixture(provider: string, name: string, baseUrl = ''): FakeReply {
  const text = readFileSync(`${FIXTURES}${provider}/${name}.json`, 'utf8').replaceAll(
    '{{baseUrl}}',
    baseUrl,
  );
  return JSON.parse(text) as FakeReply;
}

/** TXT records of the fake DNS service, one entry per value, each in a zone. */
export class FakeZoneData {
  private nextId = 1;
  readonly records: { id: string; zone: string; name: string; value: string; ttl: number }[] = [];

  add(zone: string, name: string, value: string, ttl = 60): string {
    const id = String(this.nextId++);
    this.records.push({ id, zone, name, value, ttl });
    return id;
  }

  /** Values at `name` in `zone`, in insertion order. */
  values(zone: string, name: string): string[] {
    return this.records.filter((r) => r.zone === zone && r.name === name).map((r) => r.value);
  }

  removeById(id: string): boolean {
    const index = this.records.findIndex((r) => r.id === id);
    if (index === -1) return false;
    this.records.splice(index, 1);
    return true;
  }

  /** Replaces every value at `name` in `zone`, as a record-set API does. */
  replaceSet(zone: string, name: string, values: string[], ttl = 60): void {
    for (const record of this.records.filter((r) => r.zone === zone && r.name === name))
      this.removeById(record.id);
    for (const value of values) this.add(zone, name, value, ttl);
  }

  ttl(zone: string, name: string): number | undefined {
    return this.records.find((r) => r.zone === zone && r.name === name)?.ttl;
  }
}
