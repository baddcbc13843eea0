import type { Logger } from '../log.js';
import type { DnsSettings } from '../manifest/types.js';
import type { DnsProvider } from './provider.js';
import { CLOUD_DNS_PROVIDERS } from './providers/index.js';
import { createRfc2136Provider } from './rfc2136/index.js';

/** Provider ids the manifest accepts; each has a factory in the table below. */
export const KNOWN_DNS_PROVIDERS = [
  'rfc2136',
  'cloudflare',
  'route53',
  'alidns',
  'tencentcloud',
  'gcloud',
  'azure',
] as const;

export type DnsProviderId = (typeof KNOWN_DNS_PROVIDERS)[number];

type ProviderFactory = (
  settings: DnsSettings,
  env: NodeJS.ProcessEnv,
  logger?: Logger,
) => DnsProvider;

// A new provider is one entry here, pointing at its file or folder under src/dns/providers/.
const FACTORIES: Partial<Record<DnsProviderId, ProviderFactory>> = {
  rfc2136: createRfc2136Provider,
  ...(CLOUD_DNS_PROVIDERS as Partial<Record<DnsProviderId, ProviderFactory>>),
};

/** Raised when the manifest names a provider that does not exist or is not built yet. */
export class UnknownDnsProviderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnknownDnsProviderError';
  }
}

/**
 * Creates the DNS provider that `settings.provider` names, reading its configuration
 * from the manifest options and `env`. Throws UnknownDnsProviderError for an unknown
 * id, and the provider's own error for missing settings.
 */
export function createDnsProvider(
  settings: DnsSettings,
  env: NodeJS.ProcessEnv,
  logger?: Logger,
): DnsProvider {
  const id = settings.provider.trim().toLowerCase();
  const factory = Object.hasOwn(FACTORIES, id) ? FACTORIES[id as DnsProviderId] : undefined;
  if (factory) return factory(settings, env, logger);

  const implemented = Object.keys(FACTORIES).join(', ');
  if ((KNOWN_DNS_PROVIDERS as readonly string[]).includes(id)) {
    throw new UnknownDnsProviderError(
      `DNS provider '${settings.provider}' is not implemented in this version. Implemented providers: ${implemented}.`,
    );
  }
  throw new UnknownDnsProviderError(
    `Unknown DNS provider '${settings.provider}'. Known providers: ${KNOWN_DNS_PROVIDERS.join(', ')} (implemented: ${implemented}).`,
  );
}
