// NOTE: a local copy until src/dns/registry.ts exports KNOWN_DNS_PROVIDERS; switch to that import then.
/** DNS provider ids that `dns.provider` may name. */
export const KNOWN_DNS_PROVIDERS: readonly string[] = [
  'rfc2136',
  'cloudflare',
  'route53',
  'alidns',
  'tencentcloud',
  'gcloud',
  'azure',
];
