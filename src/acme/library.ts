import type { Agent } from 'node:https';

/** The acme-client module, loaded on first use. */
export type AcmeLibrary = typeof import('acme-client');

let loading: Promise<AcmeLibrary> | undefined;
let httpSettings: { userAgent: string; agent?: Agent; timeoutMs?: number } | undefined;

/**
 * Loads acme-client when a run first needs the CA. It is about half of the bundle
 * (axios, node-forge, @peculiar/x509), and plan and check runs, or renew runs with
 * nothing due, never need it, so the action starts faster without it.
 */
export function loadAcmeLibrary(): Promise<AcmeLibrary> {
  loading ??= import('acme-client').then((library) => {
    if (httpSettings) applyHttpSettings(library, httpSettings);
    return library;
  });
  return loading;
}

/**
 * Configures acme-client's shared HTTP instance: the User-Agent that names this
 * product, the TLS agent (extra roots for a private CA) and a request timeout. Its own
 * retries are turned off, because they replay the same nonce and hide the problem
 * document that `replaces` rejections are classified from. Applies now when the
 * library is loaded, or when it loads.
 */
export function configureAcmeHttp(settings: {
  userAgent: string;
  agent?: Agent;
  timeoutMs?: number;
}): void {
  httpSettings = settings;
  void loading?.then((library) => applyHttpSettings(library, settings));
}

function applyHttpSettings(
  library: AcmeLibrary,
  settings: { userAgent: string; agent?: Agent; timeoutMs?: number },
): void {
  const instance = library.axios as unknown as {
    defaults: {
      headers: { common: Record<string, string> };
      httpsAgent?: Agent;
      timeout?: number;
      acmeSettings: { retryMaxAttempts: number };
    };
  };
  instance.defaults.headers.common['User-Agent'] = settings.userAgent;
  if (settings.agent) instance.defaults.httpsAgent = settings.agent;
  instance.defaults.timeout = settings.timeoutMs ?? 30_000;
  instance.defaults.acmeSettings.retryMaxAttempts = 0;
}
