import { createPrivateKey } from 'node:crypto';
import type * as acme from 'acme-client';

import type { Logger } from '../log.js';
import { loadAcmeLibrary } from './library.js';

export { configureAcmeHttp } from './library.js';
import { AcmeProblemError, describeProblem, problemFromResponse } from './problem.js';
import { parseRetryAfter } from './retry-after.js';

/** Raw response of a signed request, as acme-client's HTTP layer returns it. */
export interface AcmeResponse {
  status: number;
  headers: Record<string, string | undefined>;
  data: unknown;
}

/** The parts of acme-client's internals this module uses; they are untyped in its declarations. */
interface AcmeInternals {
  api: {
    apiRequest(url: string, payload: unknown, validStatusCodes?: number[]): Promise<AcmeResponse>;
    createAccount(payload: unknown): Promise<AcmeResponse>;
  };
  http: {
    getDirectory(): Promise<AcmeDirectory>;
    getJwk(): Record<string, string>;
  };
}

export interface AcmeDirectory {
  newNonce: string;
  newAccount: string;
  newOrder: string;
  revokeCert?: string;
  keyChange?: string;
  renewalInfo?: string;
  meta?: {
    termsOfService?: string;
    externalAccountRequired?: boolean;
    profiles?: Record<string, string>;
  };
}

export interface ExternalAccountBinding {
  keyId: string;
  /** HMAC key, base64url as the CA hands it out. */
  hmacKey: string;
}

export interface OpenSessionOptions {
  directoryUrl: string;
  accountKeyPem: string;
  externalAccountBinding?: ExternalAccountBinding;
  contact?: string[];
  logger: Logger;
}

/** Largest Retry-After this client waits for inside one request, in milliseconds. */
const MAX_INLINE_RETRY_WAIT_MS = 60_000;
const MAX_ATTEMPTS = 3;

/** An ACME account on one CA, with helpers for raw signed requests. */
export class AcmeSession {
  readonly client: acme.Client;
  readonly directory: AcmeDirectory;
  readonly directoryUrl: string;
  readonly accountUrl: string;
  private readonly logger: Logger;

  private constructor(
    client: acme.Client,
    directory: AcmeDirectory,
    directoryUrl: string,
    logger: Logger,
  ) {
    this.client = client;
    this.directory = directory;
    this.directoryUrl = directoryUrl;
    this.accountUrl = client.getAccountUrl();
    this.logger = logger;
  }

  /** Finds or creates the account for `accountKeyPem` (RFC 8555 section 7.3). */
  static async open(options: OpenSessionOptions): Promise<AcmeSession> {
    checkAccountKey(options.accountKeyPem);
    const library = await loadAcmeLibrary();
    const client = new library.Client({
      directoryUrl: options.directoryUrl,
      accountKey: options.accountKeyPem,
      externalAccountBinding: options.externalAccountBinding
        ? {
            kid: options.externalAccountBinding.keyId,
            hmacKey: options.externalAccountBinding.hmacKey,
          }
        : undefined,
    });
    const internals = client as unknown as AcmeInternals;

    let directory: AcmeDirectory;
    try {
      directory = await internals.http.getDirectory();
    } catch (error) {
      throw new Error(
        `Cannot read the ACME directory ${options.directoryUrl}: ${errorMessage(error)}. ` +
          'Check the CA setting in the manifest and the network path to the CA.',
        { cause: error },
      );
    }
    if (directory.meta?.externalAccountRequired && !options.externalAccountBinding) {
      throw new Error(
        `The CA at ${options.directoryUrl} requires external account binding. ` +
          'Set the eab-key-id and eab-hmac-key inputs (ACME_EAB_KEY_ID and ACME_EAB_HMAC_KEY on the command line) to the values from the CA.',
      );
    }

    // newAccount returns 200 with the existing account's URL when the key is known
    // (RFC 8555 section 7.3.1), so one request both finds and creates the account.
    try {
      const payload: Record<string, unknown> = { termsOfServiceAgreed: true };
      if (options.contact?.length) payload.contact = options.contact;
      await internals.api.createAccount(payload);
    } catch (error) {
      throw new Error(
        `Cannot create or find the ACME account at ${options.directoryUrl}: ${errorMessage(error)}`,
        { cause: error },
      );
    }
    return new AcmeSession(client, directory, options.directoryUrl, options.logger);
  }

  /** JSON Web Key thumbprint input for key authorizations (RFC 8555 section 8.1). */
  jwk(): Record<string, string> {
    return (this.client as unknown as AcmeInternals).http.getJwk();
  }

  /**
   * Sends a signed POST (or POST-as-GET with `payload` null) and returns the raw
   * response. Network failures, 429 and 5xx are retried up to 3 attempts when the
   * server's Retry-After is at most a minute. `retryServerErrors: false` turns that
   * off for requests whose errors must reach the caller unchanged. Problem documents
   * become {@link AcmeProblemError}s unless `acceptProblems` is set.
   */
  async post(
    action: string,
    url: string,
    payload: unknown,
    options: { retryServerErrors?: boolean; acceptProblems?: boolean } = {},
  ): Promise<AcmeResponse> {
    const api = (this.client as unknown as AcmeInternals).api;
    const retry = options.retryServerErrors ?? true;

    for (let attempt = 1; ; attempt++) {
      let response: AcmeResponse;
      try {
        response = await api.apiRequest(url, payload);
      } catch (error) {
        if (!retry || attempt >= MAX_ATTEMPTS)
          throw new Error(`${action} failed at ${url}: ${errorMessage(error)}`, { cause: error });
        this.logger.warning(
          `${action}: ${errorMessage(error)}; retrying (attempt ${attempt + 1} of ${MAX_ATTEMPTS})`,
        );
        await sleep(1000 * attempt);
        continue;
      }

      if (response.status < 400) return response;
      const problem = problemFromResponse(response.status, response.data);
      const retryable = response.status === 429 || response.status >= 500;
      const waitMs = parseRetryAfter(response.headers['retry-after']) ?? 1000 * attempt;
      if (retry && retryable && attempt < MAX_ATTEMPTS && waitMs <= MAX_INLINE_RETRY_WAIT_MS) {
        this.logger.warning(
          `${action}: ${describeProblem(problem)}; retrying in ${Math.ceil(waitMs / 1000)} s`,
        );
        await sleep(waitMs);
        continue;
      }
      if (options.acceptProblems) return response;
      throw new AcmeProblemError(action, url, problem);
    }
  }
}

/**
 * Rejects an account key acme-client cannot sign with, naming the accepted kinds,
 * before any request: its own error is an OpenSSL decoder code.
 */
function checkAccountKey(pem: string): void {
  const advice =
    'Pass a PEM private key of type RSA (2048 bits or more) or EC (P-256, P-384 or P-521), for example one made with ' +
    '`openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out account-key.pem`.';
  let key;
  try {
    key = createPrivateKey(pem);
  } catch (error) {
    throw new Error(
      `The ACME account key is not a readable private key (${errorMessage(error)}). ${advice}`,
      {
        cause: error,
      },
    );
  }
  const curve = key.asymmetricKeyDetails?.namedCurve;
  const usable =
    key.asymmetricKeyType === 'rsa' ||
    (key.asymmetricKeyType === 'ec' &&
      ['prime256v1', 'secp384r1', 'secp521r1'].includes(curve ?? ''));
  if (!usable) {
    throw new Error(
      `The ACME account key is of type ${key.asymmetricKeyType}${curve ? ` (${curve})` : ''}, which acme-client cannot sign with. ${advice}`,
    );
  }
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
