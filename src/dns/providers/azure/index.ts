import type { ChallengeRecord, DnsProvider } from '../../provider.js';
import type { DnsSettings } from '../../../manifest/types.js';
import type { Logger } from '../../../log.js';
import { ProviderError, readSetting, requireSetting } from '../shared/errors.js';
import { joinUrl } from '../shared/http.js';
import { normalizeName, pickLongestZone, relativeName } from '../shared/names.js';
import { JsonApiError, callJson } from '../shared/oauth.js';
import { DEFAULT_TXT_TTL, TxtRecordSetEditor } from '../shared/rrset.js';
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

/** Creates the Azure DNS provider, which keeps all TXT values of a name in one record set guarded by its etag. */
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
  const accessToken = azureTokenSource(env);

  const api = async <T>(
    operation: string,
    method: string,
    url: string,
    extraHeaders: Record<string, string> = {},
    body?: unknown,
  ) => {
    const headers: Record<string, string> = {
      authorization: `Bearer ${await accessToken()}`,
      ...extraHeaders,
    };
    if (body !== undefined) headers['content-type'] = 'application/json';
    return callJson<T>(PROVIDER, operation, {
      method,
      url,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  };

  const listZones = async (): Promise<DnsZone[]> => {
    const scope = resourceGroup
      ? `/subscriptions/${subscription}/resourceGroups/${resourceGroup}`
      : `/subscriptions/${subscription}`;
    const zones: DnsZone[] = [];
    let url: string | undefined = joinUrl(
      baseUrl,
      `${scope}/providers/Microsoft.Network/dnsZones?api-version=${API_VERSION}`,
    );
    while (url) {
      const page: { value: DnsZone[]; nextLink?: string } = (
        await api<{ value: DnsZone[]; nextLink?: string }>('Zones.List', 'GET', url)
      ).body;
      zones.push(...page.value);
      url = page.nextLink;
    }
    return zones;
  };

  let zones: Promise<DnsZone[]> | undefined;
  const findZone = async (name: string): Promise<DnsZone> => {
    zones ??= listZones();
    zones.catch(() => (zones = undefined));
    const publicZones = (await zones).filter((zone) => zone.properties?.zoneType !== 'Private');
    const configuredZone = settings.zone ? normalizeName(settings.zone) : undefined;
    const candidates = configuredZone
      ? publicZones.filter((zone) => normalizeName(zone.name) === configuredZone)
      : publicZones;
    const zone = pickLongestZone(name, candidates, (candidate) => candidate.name);
    if (!zone) {
      const seen = publicZones.map((candidate) => candidate.name).join(', ') || 'none';
      const where = resourceGroup
        ? `resource group ${resourceGroup}`
        : `subscription ${subscription}`;
      throw new ProviderError(
        PROVIDER,
        `No DNS zone in ${where} contains ${name} (zones seen: ${seen}). Check AZURE_SUBSCRIPTION_ID and AZURE_RESOURCE_GROUP, ` +
          'and grant the app the Reader role on the zone, or set dns.zone in the manifest.',
      );
    }
    return zone;
  };

  const recordSetUrl = (zone: DnsZone, name: string): string =>
    joinUrl(
      baseUrl,
      `${zone.id}/TXT/${encodeURIComponent(toAzureName(name, zone.name))}?api-version=${API_VERSION}`,
    );

  const editor = new TxtRecordSetEditor<DnsZone, TxtRecordSetResource>({
    async read(zone, name) {
      try {
        const { body } = await api<TxtRecordSetResource>(
          'RecordSets.Get',
          'GET',
          recordSetUrl(zone, name),
        );
        const values = (body.properties.TXTRecords ?? []).map((record) => record.value.join(''));
        return { values, ttl: body.properties.TTL, version: body };
      } catch (error) {
        if (error instanceof JsonApiError && error.status === 404) return undefined;
        throw error;
      }
    },
    async write(zone, name, current, values) {
      // If-Match with the etag read before (or If-None-Match for a new set) makes the
      // write fail with 412 when another writer changed the set in between.
      const guard: Record<string, string> = current
        ? { 'if-match': current.version.etag }
        : { 'if-none-match': '*' };
      const url = recordSetUrl(zone, name);
      if (values.length === 0) {
        await api('RecordSets.Delete', 'DELETE', url, guard);
        return;
      }
      const properties = {
        TTL: current?.ttl ?? DEFAULT_TXT_TTL,
        TXTRecords: values.map((value) => ({ value: chunkTxtValue(value) })),
      };
      await api('RecordSets.CreateOrUpdate', 'PUT', url, guard, { properties });
    },
    isConflict: (error) => error instanceof JsonApiError && error.status === 412,
  });

  return {
    name: PROVIDER,
    propagationTimeoutMs: 120_000,

    async present(record: ChallengeRecord): Promise<void> {
      const name = normalizeName(record.name);
      const zone = await findZone(name);
      const added = await editor.add(zone, name, record.value);
      logger?.debug(
        `${PROVIDER}: ${added ? 'added' : 'already had'} TXT value at ${name} in zone ${zone.name}`,
      );
    },

    async cleanUp(record: ChallengeRecord): Promise<void> {
      const name = normalizeName(record.name);
      const zone = await findZone(name);
      const removed = await editor.remove(zone, name, record.value);
      logger?.debug(
        `${PROVIDER}: ${removed ? 'removed' : 'found no'} TXT value at ${name} in zone ${zone.name}`,
      );
    },

    async authoritativeServers(record: ChallengeRecord): Promise<string[]> {
      const zone = await findZone(normalizeName(record.name));
      return (zone.properties?.nameServers ?? []).map(
        (server) => `${server.replace(/\.$/, '')}:53`,
      );
    },
  };
}
