import { afterEach, describe, expect, it } from 'vitest';

import { HttpRequestError, createHttpClient, type HttpClient } from '../../src/http.js';
import { makeServerCertificate } from './certificates.js';
import { startLocalServer, type LocalServer } from './local-server.js';

const USER_AGENT = 'acme-lineage-tests/1.0';

describe('createHttpClient', () => {
  let server: LocalServer | undefined;
  let client: HttpClient | undefined;

  afterEach(async () => {
    client?.close();
    await server?.close();
    client = undefined;
    server = undefined;
  });

  it('returns status, lower-case headers and body', async () => {
    server = await startLocalServer(() => ({
      status: 203,
      headers: { 'X-Custom-Header': 'one', 'Retry-After': '120' },
      body: '{"ok":true}',
    }));
    client = createHttpClient({ userAgent: USER_AGENT });

    const response = await client.get(`${server.url}/path?x=1`);

    expect(response.status).toBe(203);
    expect(response.headers['x-custom-header']).toBe('one');
    expect(response.headers['retry-after']).toBe('120');
    expect(response.body).toBe('{"ok":true}');
    expect(server.requests[0]?.path).toBe('/path?x=1');
  });

  it('always sends its own User-Agent', async () => {
    server = await startLocalServer(() => ({ body: '' }));
    client = createHttpClient({ userAgent: USER_AGENT });

    await client.get(server.url, { 'User-Agent': 'other', Accept: 'application/json' });

    expect(server.requests[0]?.headers['user-agent']).toBe(USER_AGENT);
    expect(server.requests[0]?.headers['accept']).toBe('application/json');
  });

  it('reuses one keep-alive connection', async () => {
    server = await startLocalServer(() => ({ body: 'x' }));
    client = createHttpClient({ userAgent: USER_AGENT });

    await client.get(server.url);
    await client.get(server.url);

    expect(server.requests).toHaveLength(2);
    expect(server.requests[1]?.remotePort).toBe(server.requests[0]?.remotePort);
  });

  it('does not follow redirects', async () => {
    server = await startLocalServer(() => ({ status: 302, headers: { location: '/elsewhere' } }));
    client = createHttpClient({ userAgent: USER_AGENT });

    const response = await client.get(server.url);

    expect(response.status).toBe(302);
    expect(server.requests).toHaveLength(1);
  });

  it('fails with ETIMEDOUT when the server does not answer', async () => {
    server = await startLocalServer(() => ({ hang: true }));
    client = createHttpClient({ userAgent: USER_AGENT, timeoutMs: 200 });

    const failure = client.get(server.url);

    await expect(failure).rejects.toBeInstanceOf(HttpRequestError);
    await expect(failure).rejects.toMatchObject({ code: 'ETIMEDOUT' });
  });

  it('fails with ECONNREFUSED when nothing listens', async () => {
    const closed = await startLocalServer(() => ({}));
    await closed.close();
    client = createHttpClient({ userAgent: USER_AGENT });

    await expect(client.get(closed.url)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('rejects a body over the size limit', async () => {
    server = await startLocalServer(() => ({ body: 'x'.repeat(5000) }));
    client = createHttpClient({ userAgent: USER_AGENT, maxBodyBytes: 1000 });

    await expect(client.get(server.url)).rejects.toMatchObject({ code: 'EBODYTOOLARGE' });
  });

  it.each([
    ['not a URL', 'no scheme here'],
    ['another scheme', 'ftp://127.0.0.1/file'],
  ])('rejects %s', async (_case, url) => {
    client = createHttpClient({ userAgent: USER_AGENT });

    await expect(client.get(url)).rejects.toMatchObject({ code: 'EINVALIDURL' });
  });

  it('rejects an empty User-Agent', () => {
    expect(() => createHttpClient({ userAgent: ' ' })).toThrow(/User-Agent/);
  });

  it('rejects CA certificates without a PEM block', () => {
    expect(() => createHttpClient({ userAgent: USER_AGENT, caCertificates: 'not a pem' })).toThrow(
      /no PEM certificate/,
    );
  });

  describe('over HTTPS with a private CA', () => {
    it('trusts a server whose root is in caCertificates', async () => {
      const tls = await makeServerCertificate();
      server = await startLocalServer(() => ({ body: 'secure' }), tls);
      client = createHttpClient({ userAgent: USER_AGENT, caCertificates: tls.cert });

      const response = await client.get(server.url);

      expect(response.body).toBe('secure');
    });

    it('rejects that server without caCertificates', async () => {
      const tls = await makeServerCertificate();
      server = await startLocalServer(() => ({ body: 'secure' }), tls);
      client = createHttpClient({ userAgent: USER_AGENT });

      await expect(client.get(server.url)).rejects.toBeInstanceOf(HttpRequestError);
      expect(server.requests).toHaveLength(0);
    });
  });
});
