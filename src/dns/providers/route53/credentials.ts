import { readFileSync } from 'node:fs';
import { ProviderError, messageOf, readSetting } from '../shared/errors.js';
import { send } from '../shared/http.js';
import type { AwsCredentials } from './sigv4.js';
import { text } from './xml.js';

const PROVIDER = 'route53';
/** Credentials from STS are renewed when they expire within this many milliseconds. */
const RENEW_MARGIN_MS = 5 * 60_000;

/** A source of AWS credentials; temporary credentials are renewed before they expire. */
export type CredentialSource = () => Promise<AwsCredentials>;

/**
 * Picks the credential source from the environment, in this order: static keys
 * (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, optional `AWS_SESSION_TOKEN`, which
 * is what aws-actions/configure-aws-credentials exports), then web identity
 * federation (`AWS_ROLE_ARN` with `AWS_WEB_IDENTITY_TOKEN_FILE`).
 */
export function resolveCredentialSource(env: NodeJS.ProcessEnv): CredentialSource {
  const accessKeyId = readSetting(PROVIDER, env, 'AWS_ACCESS_KEY_ID');
  const secretAccessKey = readSetting(PROVIDER, env, 'AWS_SECRET_ACCESS_KEY');
  if (accessKeyId && !secretAccessKey) {
    throw new ProviderError(
      PROVIDER,
      'Missing AWS_SECRET_ACCESS_KEY (or AWS_SECRET_ACCESS_KEY_FILE): AWS_ACCESS_KEY_ID is set without its secret.',
    );
  }
  if (secretAccessKey && !accessKeyId) {
    throw new ProviderError(
      PROVIDER,
      'Missing AWS_ACCESS_KEY_ID (or AWS_ACCESS_KEY_ID_FILE): AWS_SECRET_ACCESS_KEY is set without its key id.',
    );
  }
  if (accessKeyId && secretAccessKey) {
    const credentials = {
      accessKeyId,
      secretAccessKey,
      sessionToken: readSetting(PROVIDER, env, 'AWS_SESSION_TOKEN'),
    };
    return () => Promise.resolve(credentials);
  }

  const roleArn = readSetting(PROVIDER, env, 'AWS_ROLE_ARN');
  const tokenFile = env.AWS_WEB_IDENTITY_TOKEN_FILE;
  if (roleArn && tokenFile) return webIdentitySource(env, roleArn, tokenFile);

  throw new ProviderError(
    PROVIDER,
    'Missing AWS_ACCESS_KEY_ID (or AWS_ACCESS_KEY_ID_FILE): set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY ' +
      '(aws-actions/configure-aws-credentials exports them), or AWS_ROLE_ARN with AWS_WEB_IDENTITY_TOKEN_FILE.',
  );
}

function stsEndpoint(env: NodeJS.ProcessEnv): string {
  const override =
    readSetting(PROVIDER, env, 'AWS_ENDPOINT_URL_STS') ??
    readSetting(PROVIDER, env, 'AWS_ENDPOINT_URL');
  if (override) return override;
  const region =
    readSetting(PROVIDER, env, 'AWS_REGION') ?? readSetting(PROVIDER, env, 'AWS_DEFAULT_REGION');
  return region
    ? `https://sts.${region}.amazonaws.com${region.startsWith('cn-') ? '.cn' : ''}/`
    : 'https://sts.amazonaws.com/';
}

/**
 * Exchanges the web identity token (re-read on every renewal, because the platform
 * rotates the file) for temporary credentials with STS AssumeRoleWithWebIdentity,
 * an unsigned call.
 */
function webIdentitySource(
  env: NodeJS.ProcessEnv,
  roleArn: string,
  tokenFile: string,
): CredentialSource {
  const endpoint = stsEndpoint(env);
  const sessionName =
    readSetting(PROVIDER, env, 'AWS_ROLE_SESSION_NAME') ?? `acme-lineage-${Date.now()}`;
  let cached: { credentials: AwsCredentials; expiresAt: number } | undefined;

  return async () => {
    if (cached && cached.expiresAt - RENEW_MARGIN_MS > Date.now()) return cached.credentials;

    let token: string;
    try {
      token = readFileSync(tokenFile, 'utf8').trim();
    } catch (error) {
      throw new ProviderError(
        PROVIDER,
        `Cannot read AWS_WEB_IDENTITY_TOKEN_FILE (${tokenFile}): ${messageOf(error)}`,
      );
    }
    const body = new URLSearchParams({
      Action: 'AssumeRoleWithWebIdentity',
      Version: '2011-06-15',
      RoleArn: roleArn,
      RoleSessionName: sessionName,
      WebIdentityToken: token,
    }).toString();
    const response = await send(PROVIDER, {
      method: 'POST',
      url: endpoint,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body,
    });
    if (response.status !== 200) {
      const detail = `${text(response.text, 'Code') ?? `HTTP ${response.status}`}: ${text(response.text, 'Message') ?? ''}`;
      throw new ProviderError(
        PROVIDER,
        `STS AssumeRoleWithWebIdentity for ${roleArn} failed: ${detail}. Check the role's trust policy for this identity provider and audience.`,
      );
    }
    const credentials = {
      accessKeyId: text(response.text, 'AccessKeyId') ?? '',
      secretAccessKey: text(response.text, 'SecretAccessKey') ?? '',
      sessionToken: text(response.text, 'SessionToken'),
    };
    const expiration = Date.parse(text(response.text, 'Expiration') ?? '');
    cached = {
      credentials,
      expiresAt: Number.isNaN(expiration) ? Date.now() + 15 * 60_000 : expiration,
    };
    return credentials;
  };
}
