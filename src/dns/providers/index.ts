import type { DnsSettings } from '../../manifest/types.js';
import type { Logger } from '../../log.js';
import type { DnsProvider } from '../provider.js';
import { createAlidnsProvider } from './alidns/index.js';
import { createAzureProvider } from './azure/index.js';
import { createCloudflareProvider } from './cloudflare.js';
import { createGcloudProvider } from './gcloud/index.js';
import { createRoute53Provider } from './route53/index.js';
import { createTencentProvider } from './tencentcloud/index.js';

export type CloudDnsProviderFactory = (
  settings: DnsSettings,
  env: NodeJS.ProcessEnv,
  logger?: Logger,
) => DnsProvider;

/** Factories of the cloud DNS providers, keyed by the provider id the manifest uses. */
export const CLOUD_DNS_PROVIDERS: Record<string, CloudDnsProviderFactory> = {
  cloudflare: createCloudflareProvider,
  route53: createRoute53Provider,
  alidns: createAlidnsProvider,
  tencentcloud: createTencentProvider,
  gcloud: createGcloudProvider,
  azure: createAzureProvider,
};

export { ProviderError } from './shared/errors.js';
