import { KNOWN_DNS_PROVIDERS as REGISTERED_PROVIDERS } from '../dns/registry.js';

/**
 * DNS provider ids that `dns.provider` may name, taken from the DNS provider registry
 * and widened to plain strings so that user input can be checked against them.
 */
export const KNOWN_DNS_PROVIDERS: readonly string[] = REGISTERED_PROVIDERS;
