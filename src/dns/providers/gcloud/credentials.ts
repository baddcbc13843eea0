import { createSign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ProviderError, messageOf, readSetting } from '../shared/errors.js';
import { cacheToken, callJson } from '../shared/oauth.js';

const PROVIDER = 'gcloud';
const SCOPE = 'https://www.googleapis.com/auth/ndev.clouddns.readwrite';
const DEFAULT_TOKEN_URI = 'https://oauth2.googleapis.com/token';

/** The fields of a service account key file that token requests use. */
interface ServiceAccountKey {
  type: 'service_account';
  client_email: string;
  private_key: string;
  private_key_id?: string;
  token_uri?: string;
  project_id?: string;
}

/** The fields of a workload identity federation configuration (`external_account`). */
interface ExternalAccountConfig {
  type: 'external_account';
  audience: string;
  subject_token_type: string;
  token_url: string;
  service_account_impersonation_url?: string;
  credential_source: {
    file?: string;
    url?: string;
    headers?: Record<string, string>;
    format?: { type?: 'text' | 'json'; subject_token_field_name?: string };
  };
}

export type GoogleCredentialConfig = ServiceAccountKey | ExternalAccountConfig;

/**
 * Loads the credential configuration from `GCE_SERVICE_ACCOUNT` (the JSON itself),
 * `GCE_SERVICE_ACCOUNT_FILE` or `GOOGLE_APPLICATION_CREDENTIALS` (paths), in that order.
 */
export function loadCredentialConfig(env: NodeJS.ProcessEnv): {
  config: GoogleCredentialConfig;
  source: string;
} {
  const inline = readSetting(PROVIDER, env, 'GCE_SERVICE_ACCOUNT');
  if (inline)
    return { config: parseConfig(inline, 'GCE_SERVICE_ACCOUNT'), source: 'GCE_SERVICE_ACCOUNT' };

  for (const name of ['GCE_SERVICE_ACCOUNT_FILE', 'GOOGLE_APPLICATION_CREDENTIALS']) {
    const path = env[name];
    if (!path) continue;
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      throw new ProviderError(PROVIDER, `Cannot read ${name} (${path}): ${messageOf(error)}`);
    }
    return { config: parseConfig(text, `${name} (${path})`), source: name };
  }
  throw new ProviderError(
    PROVIDER,
    'Missing GOOGLE_APPLICATION_CREDENTIALS: set it to a service account key file or a workload identity ' +
      'configuration (google-github-actions/auth exports it), or set GCE_SERVICE_ACCOUNT_FILE or GCE_SERVICE_ACCOUNT.',
  );
}

function parseConfig(text: string, origin: string): GoogleCredentialConfig {
  let parsed: { type?: string };
  try {
    parsed = JSON.parse(text) as { type?: string };
  } catch (error) {
    throw new ProviderError(PROVIDER, `${origin} is not valid JSON: ${messageOf(error)}`);
  }
  if (parsed.type !== 'service_account' && parsed.type !== 'external_account') {
    throw new ProviderError(
      PROVIDER,
      `${origin} has type '${parsed.type ?? 'missing'}'; expected 'service_account' or 'external_account'. ` +
        'User credentials from gcloud auth application-default login are not supported.',
    );
  }
  return parsed as GoogleCredentialConfig;
}

function base64Url(data: string | Buffer): string {
  return Buffer.from(data).toString('base64url');
}

/** Builds the RS256-signed JWT assertion of the OAuth 2.0 JWT bearer grant (RFC 7523) for a service account. */
export function serviceAccountAssertion(key: ServiceAccountKey, nowSeconds: number): string {
  const header = {
    alg: 'RS256',
    typ: 'JWT',
    ...(key.private_key_id ? { kid: key.private_key_id } : {}),
  };
  const claims = {
    iss: key.client_email,
    scope: SCOPE,
    aud: key.token_uri ?? DEFAULT_TOKEN_URI,
    iat: nowSeconds,
    exp: nowSeconds + 3600,
  };
  const unsigned = `${base64Url(JSON.stringify(header))}.${base64Url(JSON.stringify(claims))}`;
  const signature = createSign('RSA-SHA256').update(unsigned).sign(key.private_key);
  return `${unsigned}.${base64Url(signature)}`;
}

async function serviceAccountToken(
  key: ServiceAccountKey,
): Promise<{ token: string; expiresAt: number }> {
  const assertion = serviceAccountAssertion(key, Math.floor(Date.now() / 1000));
  const { body } = await callJson<{ access_token: string; expires_in: number }>(
    PROVIDER,
    `Token request for ${key.client_email}`,
    {
      method: 'POST',
      url: key.token_uri ?? DEFAULT_TOKEN_URI,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
        assertion,
      }).toString(),
    },
  );
  return { token: body.access_token, expiresAt: Date.now() + body.expires_in * 1000 };
}

async function readSubjectToken(
  source: ExternalAccountConfig['credential_source'],
): Promise<string> {
  let raw: string;
  if (source.file) {
    try {
      raw = readFileSync(source.file, 'utf8');
    } catch (error) {
      throw new ProviderError(
        PROVIDER,
        `Cannot read the subject token file ${source.file}: ${messageOf(error)}`,
      );
    }
  } else if (source.url) {
    const { body } = await callJson<unknown>(PROVIDER, 'Subject token request', {
      method: 'GET',
      url: source.url,
      headers: source.headers,
    });
    raw = typeof body === 'string' ? body : JSON.stringify(body);
  } else {
    throw new ProviderError(
      PROVIDER,
      'The external_account credential_source has neither file nor url; only these two are supported.',
    );
  }
  if (source.format?.type !== 'json') return raw.trim();
  const field = source.format.subject_token_field_name ?? 'access_token';
  const value = (JSON.parse(raw) as Record<string, unknown>)[field];
  if (typeof value !== 'string')
    throw new ProviderError(PROVIDER, `The subject token has no string field '${field}'.`);
  return value;
}

/**
 * Exchanges the platform's token for a federated access token (Google STS, RFC 8693
 * token exchange), then, when the configuration names a service account to
 * impersonate, for that account's access token.
 */
async function externalAccountToken(
  config: ExternalAccountConfig,
): Promise<{ token: string; expiresAt: number }> {
  const subjectToken = await readSubjectToken(config.credential_source);
  const { body: federated } = await callJson<{ access_token: string; expires_in: number }>(
    PROVIDER,
    'Token exchange',
    {
      method: 'POST',
      url: config.token_url,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
        audience: config.audience,
        scope: 'https://www.googleapis.com/auth/cloud-platform',
        requested_token_type: 'urn:ietf:params:oauth:token-type:access_token',
        subject_token: subjectToken,
        subject_token_type: config.subject_token_type,
      }).toString(),
    },
  );
  if (!config.service_account_impersonation_url) {
    return { token: federated.access_token, expiresAt: Date.now() + federated.expires_in * 1000 };
  }

  const { body } = await callJson<{ accessToken: string; expireTime: string }>(
    PROVIDER,
    'Service account impersonation',
    {
      method: 'POST',
      url: config.service_account_impersonation_url,
      headers: {
        authorization: `Bearer ${federated.access_token}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ scope: [SCOPE], lifetime: '3600s' }),
    },
  );
  return { token: body.accessToken, expiresAt: Date.parse(body.expireTime) };
}

/** Returns a function that yields a valid access token for the configured credentials. */
export function googleTokenSource(config: GoogleCredentialConfig): () => Promise<string> {
  return cacheToken(() =>
    config.type === 'service_account' ? serviceAccountToken(config) : externalAccountToken(config),
  );
}
