import { readFileSync } from 'node:fs';
import { ProviderError, messageOf, readSetting, requireSetting } from '../shared/errors.js';
import { cacheToken, callJson } from '../shared/oauth.js';

const PROVIDER = 'azure';
const DEFAULT_AUTHORITY_HOST = 'https://login.microsoftonline.com';
const ARM_SCOPE = 'https://management.azure.com/.default';
/** Audience Microsoft Entra ID expects in a federated token from GitHub Actions. */
const GITHUB_OIDC_AUDIENCE = 'api://AzureADTokenExchange';

/**
 * Returns a function that yields an Azure Resource Manager access token from the
 * client credentials grant of Microsoft Entra ID. The first client proof found is
 * used: `AZURE_CLIENT_SECRET`, then the token in `AZURE_FEDERATED_TOKEN_FILE`
 * (workload identity, re-read on each renewal), then a GitHub Actions OIDC token
 * when the job has the `id-token: write` permission.
 */
export function azureTokenSource(env: NodeJS.ProcessEnv): () => Promise<string> {
  const tenantId = requireSetting(
    PROVIDER,
    env,
    ['AZURE_TENANT_ID'],
    'the directory (tenant) id of the app registration',
  );
  const clientId = requireSetting(
    PROVIDER,
    env,
    ['AZURE_CLIENT_ID'],
    'the application (client) id of the app registration',
  );
  const authorityHost =
    readSetting(PROVIDER, env, 'AZURE_AUTHORITY_HOST') ?? DEFAULT_AUTHORITY_HOST;
  const clientProof = clientProofSource(env);
  const tokenUrl = `${authorityHost.replace(/\/+$/, '')}/${encodeURIComponent(tenantId)}/oauth2/v2.0/token`;

  return cacheToken(async () => {
    const form = new URLSearchParams({
      client_id: clientId,
      scope: ARM_SCOPE,
      grant_type: 'client_credentials',
      ...(await clientProof()),
    });
    const { body } = await callJson<{ access_token: string; expires_in: number }>(
      PROVIDER,
      `Token request for client ${clientId}`,
      {
        method: 'POST',
        url: tokenUrl,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: form.toString(),
      },
    );
    return { token: body.access_token, expiresAt: Date.now() + body.expires_in * 1000 };
  });
}

type ClientProof = () => Promise<Record<string, string>>;

function clientProofSource(env: NodeJS.ProcessEnv): ClientProof {
  const secret = readSetting(PROVIDER, env, 'AZURE_CLIENT_SECRET');
  if (secret) return () => Promise.resolve({ client_secret: secret });

  const assertion = (token: string): Record<string, string> => ({
    client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
    client_assertion: token,
  });

  const tokenFile = env.AZURE_FEDERATED_TOKEN_FILE;
  if (tokenFile) {
    return () => {
      try {
        return Promise.resolve(assertion(readFileSync(tokenFile, 'utf8').trim()));
      } catch (error) {
        return Promise.reject(
          new ProviderError(
            PROVIDER,
            `Cannot read AZURE_FEDERATED_TOKEN_FILE (${tokenFile}): ${messageOf(error)}`,
          ),
        );
      }
    };
  }

  const requestUrl = env.ACTIONS_ID_TOKEN_REQUEST_URL;
  const requestToken = env.ACTIONS_ID_TOKEN_REQUEST_TOKEN;
  if (requestUrl && requestToken) {
    return async () => {
      const url = `${requestUrl}${requestUrl.includes('?') ? '&' : '?'}audience=${encodeURIComponent(GITHUB_OIDC_AUDIENCE)}`;
      const { body } = await callJson<{ value: string }>(
        PROVIDER,
        'GitHub Actions OIDC token request',
        {
          method: 'GET',
          url,
          headers: { authorization: `Bearer ${requestToken}` },
        },
      );
      return assertion(body.value);
    };
  }

  throw new ProviderError(
    PROVIDER,
    'Missing AZURE_CLIENT_SECRET (or AZURE_CLIENT_SECRET_FILE): set it, or AZURE_FEDERATED_TOKEN_FILE, ' +
      'or give the GitHub Actions job the id-token: write permission for OIDC federation.',
  );
}
