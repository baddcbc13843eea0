import type { ChallengeRecord, DnsProvider } from '../../provider.js';
import type { DnsSettings } from '../../../manifest/types.js';
import type { Logger } from '../../../log.js';
import { ProviderError, readSetting, requireSetting } from '../shared/errors.js';
import { joinUrl } from '../shared/http.js';
import {
  normalizeName,
  normalizeRecordName,
  pickLongestZone,
  relativeName,
} from '../shared/names.js';
import { JsonApiError, callJson } from '../shared/oauth.js';
import { DEFAULT_TXT_TTL, TxtRecordSetEditor, type TxtRecordSet } from '../shared/rrset.js';
import { chunkTxtValue } from '../shared/txt.js';
import { azureTokenSource } from './credentials.js';

const PROVIDER = 'azure';
const API_VERSION = '2018-05-01';
const DEFAULT_BASE_URL = 'https://management.azure.com';

interface DnsZone {
  /** Resource id, `/subscriptions/…/resourceGroups/…/providers/Microsoft.Network/dnsZones/<name>`. */
  id: string;
  name: string;
  properties?: { nameServers?: string[]; zoneType?: 'Public' | 'Private' };
}

interface ZoneListPage {
  value: DnsZone[];
  nextLink?: string;
}

interface TxtRecordSetResource {
  etag: string;
  properties: { TTL: number; TXTRecords?: { value: string[] }[] };
}

/**
 * Converts a normalized name and its zone to the API's form: the record set name
 * relative to the zone (`@` for the apex), which Azure puts in the resource path.
 */
function toAzureName(name: string, zone: string): string {
  return relativeName(name, normalizeName(zone));
}

/** Azure DNS provider, which keeps all TXT values of a name in one record set guarded by its etag. */
class AzureProvider implements DnsProvider {
  readonly name = PROVIDER;
  readonly propagationTimeoutMs = 120_000;
  private zones: Promise<DnsZone[]> | undefined;
  private readonly editor: TxtRecordSetEditor<DnsZone, TxtRecordSetResource>;

  constructor(
    private readonly baseUrl: string,
    private readonly subscription: string,
    private readonly resourceGroup: string | undefined,
    private readonly accessToken: () => Promise<string>,
    private readonly configuredZone: string | undefined,
    private readonly logger?: Logger,
  ) {
    this.editor = new TxtRecordSetEditor<DnsZone, TxtRecordSetResource>({
      read: (zone, name) => this.readSet(zone, name),
      write: (zone, name, current, values) => this.writeSet(zone, name, current, values),
      isConflict: (error) => error instanceof JsonApiError && error.status === 412,
    });
  }

  async present(record: ChallengeRecord): Promise<void> {
    const name = normalizeRecordName(PROVIDER, record.name);
    const zone = await this.findZone(name);
    const added = await this.editor.add(zone, name, record.value);
    this.logger?.debug(
      `${PROVIDER}: ${added ? 'added' : 'already had'} TXT value at ${name} in zone ${zone.name}`,
    );
  }

  async cleanUp(record: ChallengeRecord): Promise<void> {
    const name = normalizeRecordName(PROVIDER, record.name);
    const zone = await this.findZone(name);
    const removed = await this.editor.remove(zone, name, record.value);
    this.logger?.debug(
      `${PROVIDER}: ${removed ? 'removed' : 'found no'} TXT value at ${name} in zone ${zone.name}`,
    );
  }

  async authoritativeServers(record: ChallengeRecord): Promise<string[]> {
    const zone = await this.findZone(normalizeRecordName(PROVIDER, record.name));
    return (zone.properties?.nameServers ?? []).map((server) => `${server.replace(/\.$/, '')}:53`);
  }

  private async call<T>(
    operation: string,
    method: string,
    url: string,
    extraHeaders: Record<string, string> = {},
    body?: unknown,
  ): Promise<T> {
    const headers: Record<string, string> = {
      authorization: `Bearer ${await this.accessToken()}`,
      ...extraHeaders,
    };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const request = {
      method,
      url,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    };
    return (await callJson<T>(PROVIDER, operation, request)).body;
  }

  private async listZones(): Promise<DnsZone[]> {
    const scope = this.resourceGroup
      ? `/subscriptions/${this.subscription}/resourceGroups/${this.resourceGroup}`
      : `/subscriptions/${this.subscription}`;
    const zones: DnsZone[] = [];
    let url: string | undefined = joinUrl(
      this.baseUrl,
      `${scope}/providers/Microsoft.Network/dnsZones?api-version=${API_VERSION}`,
    );
    while (url) {
      const page: ZoneListPage = await this.call<ZoneListPage>('Zones.List', 'GET', url);
      zones.push(...page.value);
      url = page.nextLink;
    }
    return zones;
  }

  private async findZone(name: string): Promise<DnsZone> {
    this.zones ??= this.listZones();
    this.zones.catch(() => (this.zones = undefined));

    const publicZones = (await this.zones).filter(
      (zone) => zone.properties?.zoneType !== 'Private',
    );
    const candidates = this.configuredZone
      ? publicZones.filter((zone) => normalizeName(zone.name) === this.configuredZone)
      : publicZones;
    const zone = pickLongestZone(name, candidates, (candidate) => candidate.name);
    if (!zone) {
      const seen = publicZones.map((candidate) => candidate.name).join(', ') || 'none';
      const where = this.resourceGroup
        ? `resource group ${this.resourceGroup}`
        : `subscription ${this.subscription}`;
      throw new ProviderError(
        PROVIDER,
        `No DNS zone in ${where} contains ${name} (zones seen: ${seen}). Check AZURE_SUBSCRIPTION_ID and ` +
          'AZURE_RESOURCE_GROUP, and grant the app read access to the zone, or set dns.zone in the manifest.',
      );
    }
    return zone;
  }

  private recordSetUrl(zone: DnsZone, name: string): string {
    const relative = encodeURIComponent(toAzureName(name, zone.name));
    return joinUrl(this.baseUrl, `${zone.id}/TXT/${relative}?api-version=${API_VERSION}`);
  }

  private async readSet(
    zone: DnsZone,
    name: string,
  ): Promise<TxtRecordSet<TxtRecordSetResource> | undefined> {
    try {
      const body = await this.call<TxtRecordSetResource>(
        'RecordSets.Get',
        'GET',
        this.recordSetUrl(zone, name),
      );
      const values = (body.properties.TXTRecords ?? []).map((record) => record.value.join(''));
      return { values, ttl: body.properties.TTL, version: body };
    } catch (error) {
      if (error instanceof JsonApiError && error.status === 404) return undefined;
      throw error;
    }
  }

  private async writeSet(
    zone: DnsZone,
    name: string,
    current: TxtRecordSet<TxtRecordSetResource> | undefined,
    values: string[],
  ): Promise<void> {
    // If-Match with the etag read before (or If-None-Match for a new set) makes the
    // write fail with 412 when another writer changed the set in between.
    const guard: Record<string, string> = current
      ? { 'if-match': current.version.etag }
      : { 'if-none-match': '*' };
    const url = this.recordSetUrl(zone, name);
    if (values.length === 0) {
      await this.call('RecordSets.Delete', 'DELETE', url, guard);
      return;
    }
    const properties = {
      TTL: current?.ttl ?? DEFAULT_TXT_TTL,
      TXTRecords: values.map((value) => ({ value: chunkTxtValue(value) })),
    };
    await this.call('RecordSets.CreateOrUpdate', 'PUT', url, guard, { properties });
  }
}

/** Creates the Azure DNS provider from the manifest settings and the environment. */
export function createAzureProvider(
  settings: DnsSettings,
  env: NodeJS.ProcessEnv,
  logger?: Logger,
): DnsProvider {
  const subscription = requireSetting(
    PROVIDER,
    env,
    ['AZURE_SUBSCRIPTION_ID'],
    'the subscription that holds the DNS zone',
  );
  const resourceGroup = readSetting(PROVIDER, env, 'AZURE_RESOURCE_GROUP');
  const baseUrl = readSetting(PROVIDER, env, 'AZURE_API_BASE_URL') ?? DEFAULT_BASE_URL;
  const configuredZone = settings.zone ? normalizeName(settings.zone) : undefined;
  return new AzureProvider(
    baseUrl,
    subscription,
    resourceGroup,
    azureTokenSource(env),
    configuredZone,
    logger,
  );
}
