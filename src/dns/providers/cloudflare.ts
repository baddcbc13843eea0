import type { ChallengeRecord, DnsProvider } from '../provider.js';
import type { DnsSettings } from '../../manifest/types.js';
import type { Logger } from '../../log.js';
import { ProviderError, readSetting, requireSetting } from './shared/errors.js';
import { joinUrl, parseJson, send, withoutQuery } from './shared/http.js';
import { normalizeName, normalizeRecordName, pickLongestZone } from './shared/names.js';

const PROVIDER = 'cloudflare';
const DEFAULT_BASE_URL = 'https://api.cloudflare.com/client/v4';
const PAGE_SIZE = 50;
/** Cloudflare error code for "An identical record already exists". */
const IDENTICAL_RECORD_EXISTS = 81058;

interface CloudflareEnvelope<T> {
  success: boolean;
  errors?: { code: number; message: string }[];
  result: T;
  result_info?: { page: number; total_pages: number };
}

interface CloudflareZone {
  id: string;
  name: string;
  name_servers?: string[];
}

interface CloudflareRecord {
  id: string;
  name: string;
  content: string;
}

export interface CloudflareConfig {
  baseUrl: string;
  /** Token with Zone:DNS:Edit, used for record changes. */
  dnsToken: string;
  /** Token with Zone:Zone:Read, used to list zones; the DNS token when unset. */
  zoneToken: string;
}

/** Reads the Cloudflare settings, accepting lego's `CF_` names as aliases. */
export function readCloudflareConfig(env: NodeJS.ProcessEnv): CloudflareConfig {
  const dnsToken = requireSetting(
    PROVIDER,
    env,
    ['CLOUDFLARE_DNS_API_TOKEN', 'CF_DNS_API_TOKEN'],
    'create an API token with the Zone:DNS:Edit permission on the zone',
  );
  const zoneToken =
    readSetting(PROVIDER, env, 'CLOUDFLARE_ZONE_API_TOKEN') ??
    readSetting(PROVIDER, env, 'CF_ZONE_API_TOKEN');
  return {
    baseUrl: readSetting(PROVIDER, env, 'CLOUDFLARE_API_BASE_URL') ?? DEFAULT_BASE_URL,
    dnsToken,
    zoneToken: zoneToken ?? dnsToken,
  };
}

/** Sends one Cloudflare API v4 call and unwraps its envelope, turning `errors` into a ProviderError. */
async function callCloudflare<T>(
  config: CloudflareConfig,
  token: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<CloudflareEnvelope<T>> {
  const request = {
    method,
    url: joinUrl(config.baseUrl, path),
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  };
  const response = await send(PROVIDER, request);
  const envelope = parseJson<CloudflareEnvelope<T>>(PROVIDER, request, response);
  if (response.status >= 400 || !envelope.success) {
    throw new CloudflareApiError(
      method,
      withoutQuery(request.url),
      response.status,
      envelope.errors ?? [],
    );
  }
  return envelope;
}

export class CloudflareApiError extends ProviderError {
  constructor(
    method: string,
    url: string,
    readonly status: number,
    readonly errors: { code: number; message: string }[],
  ) {
    const details =
      errors.map((error) => `${error.code} ${error.message}`).join('; ') || 'no error details';
    super(
      PROVIDER,
      `${method} ${url} failed with HTTP ${status}: ${details}. Check that the token is valid and has Zone:Zone:Read and Zone:DNS:Edit on the zone.`,
    );
  }
}

/** Lists every zone the zone token can see, following `result_info.total_pages`. */
async function listZones(config: CloudflareConfig, nameFilter?: string): Promise<CloudflareZone[]> {
  const zones: CloudflareZone[] = [];
  const filter = nameFilter ? `&name=${encodeURIComponent(nameFilter)}` : '';
  for (let page = 1; ; page += 1) {
    const envelope = await callCloudflare<CloudflareZone[]>(
      config,
      config.zoneToken,
      'GET',
      `/zones?page=${page}&per_page=${PAGE_SIZE}${filter}`,
    );
    zones.push(...envelope.result);
    const totalPages = envelope.result_info?.total_pages ?? 1;
    if (page >= totalPages || envelope.result.length === 0) return zones;
  }
}

/** Cloudflare provider: one TXT record per value, so values on one name never conflict. */
class CloudflareProvider implements DnsProvider {
  readonly name = PROVIDER;
  readonly propagationTimeoutMs = 120_000;
  private readonly zoneCache = new Map<string, Promise<CloudflareZone>>();
  /** Record ids that `present` created, keyed by name and value. */
  private readonly added = new Map<string, { zoneId: string; recordId: string }>();

  constructor(
    private readonly config: CloudflareConfig,
    private readonly configuredZone: string | undefined,
    private readonly logger?: Logger,
  ) {}

  async present(record: ChallengeRecord): Promise<void> {
    const name = normalizeRecordName(PROVIDER, record.name);
    const zone = await this.findZone(name);
    try {
      const envelope = await callCloudflare<CloudflareRecord>(
        this.config,
        this.config.dnsToken,
        'POST',
        `/zones/${zone.id}/dns_records`,
        { type: 'TXT', name, content: record.value, ttl: 120 },
      );
      this.added.set(recordKey(name, record.value), {
        zoneId: zone.id,
        recordId: envelope.result.id,
      });
      this.logger?.debug(
        `${PROVIDER}: added TXT ${name} in zone ${zone.name} (record ${envelope.result.id})`,
      );
    } catch (error) {
      const identical =
        error instanceof CloudflareApiError &&
        error.errors.some((e) => e.code === IDENTICAL_RECORD_EXISTS);
      if (!identical) throw error;
      this.logger?.debug(
        `${PROVIDER}: TXT ${name} already has this value, so clean-up will find it by value`,
      );
    }
  }

  async cleanUp(record: ChallengeRecord): Promise<void> {
    const name = normalizeRecordName(PROVIDER, record.name);
    const key = recordKey(name, record.value);
    const known = this.added.get(key);
    const targets = known ? [known] : await this.findRecordsByValue(name, record.value);

    for (const target of targets) {
      await callCloudflare<unknown>(
        this.config,
        this.config.dnsToken,
        'DELETE',
        `/zones/${target.zoneId}/dns_records/${target.recordId}`,
      );
      this.logger?.debug(`${PROVIDER}: deleted TXT ${name} (record ${target.recordId})`);
    }
    this.added.delete(key);
  }

  async authoritativeServers(record: ChallengeRecord): Promise<string[]> {
    const zone = await this.findZone(normalizeRecordName(PROVIDER, record.name));
    return (zone.name_servers ?? []).map((server) => `${server}:53`);
  }

  private findZone(name: string): Promise<CloudflareZone> {
    const key = this.configuredZone ?? name;
    let zone = this.zoneCache.get(key);
    if (!zone) {
      zone = listZones(this.config, this.configuredZone).then((zones) => {
        const found = pickLongestZone(name, zones, (candidate) => candidate.name);
        if (!found) {
          const seen = zones.map((candidate) => candidate.name).join(', ') || 'none';
          throw new ProviderError(
            PROVIDER,
            `No zone visible to the token contains ${name} (zones seen: ${seen}). ` +
              'Grant the token Zone:Zone:Read on the zone, or set dns.zone in the manifest.',
          );
        }
        return found;
      });
      zone.catch(() => this.zoneCache.delete(key));
      this.zoneCache.set(key, zone);
    }
    return zone;
  }

  /** Finds records with exactly this value, for a clean-up in a process that did not present it. */
  private async findRecordsByValue(
    name: string,
    value: string,
  ): Promise<{ zoneId: string; recordId: string }[]> {
    const zone = await this.findZone(name);
    const query = `type=TXT&name=${encodeURIComponent(name)}&content=${encodeURIComponent(value)}&per_page=${PAGE_SIZE}`;
    const envelope = await callCloudflare<CloudflareRecord[]>(
      this.config,
      this.config.dnsToken,
      'GET',
      `/zones/${zone.id}/dns_records?${query}`,
    );
    return envelope.result
      .filter((found) => found.content === value || found.content === `"${value}"`)
      .map((found) => ({ zoneId: zone.id, recordId: found.id }));
  }
}

/** Creates the Cloudflare provider from the manifest settings and the environment. */
export function createCloudflareProvider(
  settings: DnsSettings,
  env: NodeJS.ProcessEnv,
  logger?: Logger,
): DnsProvider {
  const configuredZone = settings.zone ? normalizeName(settings.zone) : undefined;
  return new CloudflareProvider(readCloudflareConfig(env), configuredZone, logger);
}

function recordKey(name: string, value: string): string {
  return `${name}\n${value}`;
}
