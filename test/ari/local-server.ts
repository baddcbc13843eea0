import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';

/** One request as the local server received it. */
export interface ReceivedRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  remotePort: number;
}

/** Reply of a route. `hang` leaves the request without a response, so the client times out. */
export interface Reply {
  status?: number;
  headers?: Record<string, string>;
  body?: string;
  hang?: boolean;
}

export interface LocalServer {
  url: string;
  requests: ReceivedRequest[];
  close(): Promise<void>;
}

/** TLS certificate and key for an HTTPS server. Without them the server uses plain HTTP. */
export interface TlsMaterial {
  cert: string;
  key: string;
}

/** Starts an HTTP(S) server on 127.0.0.1 with a free port, replying to every request with what `route` returns. */
export async function startLocalServer(
  route: (request: ReceivedRequest) => Reply,
  tls?: TlsMaterial,
): Promise<LocalServer> {
  const requests: ReceivedRequest[] = [];
  const handler: http.RequestListener = (request, response) => {
    const received: ReceivedRequest = {
      method: request.method ?? '',
      path: request.url ?? '',
      headers: request.headers,
      remotePort: request.socket.remotePort ?? 0,
    };
    requests.push(received);
    const reply = route(received);
    if (reply.hang) return;
    response.writeHead(reply.status ?? 200, reply.headers ?? {});
    response.end(reply.body ?? '');
  };
  const server = tls ? https.createServer(tls, handler) : http.createServer(handler);

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
