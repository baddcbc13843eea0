import type { ChallengeRecord, DnsProvider } from '../../provider.js';
import type { DnsSettings } from '../../../manifest/types.js';
import type { Logger } from '../../../log.js';
import { ProviderError, readSetting } from '../shared/errors.js';
import { joinUrl } from '../shared/http.js';
import { absoluteName, normalizeName, pickLongestZone } from '../shared/names.js';
import { JsonApiError, callJson } from '../shared/oauth.js';
import { DEFAULT_TXT_TTL, TxtRecordSetEditor } from '../shared/rrset.js';
import { quoteTxtValue, unquoteTxtValue } from '../shared/txt.js';
import { googleTokenSource, loadCredentialConfig } from './credentials.js';

const PROVIDER = 'gcloud';
const DEFAULT_BASE_URL = 'https://dns.googleapis.com/dns/v1';
const CHANGE_TIMEOUT_MS = 180_000;
const CHANGE_POLL_MS = 3_000;

interface ManagedZone {
  name: string;
  dnsName: string;
  visibility?: 'public' | 'private';
  nameServers?: string[];
}

interface ResourceRecordSet {
  name: string;
  type: string;
  ttl: number;
  rrdatas: string[];
}

/** Converts the normalized name to the API's form: absolute, with the trailing dot. */
function toGoogleName(name: string): string {
  return absoluteName(normalizeName(name));
}

/** Creates the Google Cloud DNS provider, which keeps all TXT values of a name in one record set. */
export function createGcloudProvider(
  settings: DnsSettings,
  env: NodeJS.ProcessEnv,
  logger?: Logger,
): DnsProvider {
  const { config } = loadCredentialConfig(env);
  const project =
    readSetting(PROVIDER, env, 'GCE_PROJECT') ??
    ('project_id' in config ? config.project_id : undefined);
  if (!project) {
    throw new ProviderError(
      PROVIDER,
      'Missing GCE_PROJECT (or GCE_PROJECT_FILE): the id of the project that owns the managed zone.',
    );
  }
  const baseUrl = readSetting(PROVIDER, env, 'GCE_API_BASE_URL') ?? DEFAULT_BASE_URL;
  const accessToken = googleTokenSource(config);
  const projectUrl = joinUrl(baseUrl, `/projects/${encodeURIComponent(project)}`);

  const api = async <T>(
    operation: string,
    method: string,
    url: string,
    body?: unknown,
  ): Promise<T> => {
    const headers: Record<string, string> = { authorization: `Bearer ${await accessToken()}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await callJson<T>(PROVIDER, operation, {
      method,
      url,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return response.body;
  };

  const listZones = async (): Promise<ManagedZone[]> => {
    const zones: ManagedZone[] = [];
    let pageToken: string | undefined;
    do {
      const query = pageToken ? `?pageToken=${encodeURIComponent(pageToken)}` : '';
      const page = await api<{ managedZones?: ManagedZone[]; nextPageToken?: string }>(
        'managedZones.list',
        'GET',
        `${projectUrl}/managedZones${query}`,
      );
      zones.push(...(page.managedZones ?? []));
      pageToken = page.nextPageToken;
    } while (pageToken);
    return zones;
  };

  let zones: Promise<ManagedZone[]> | undefined;
  const findZone = async (name: string): Promise<ManagedZone> => {
    zones ??= listZones();
    zones.catch(() => (zones = undefined));
    // The CA cannot query a private zone, so only public zones can hold a challenge.
    const publicZones = (await zones).filter((zone) => zone.visibility !== 'private');
    const configuredZone = settings.zone ? normalizeName(settings.zone) : undefined;
    const candidates = configuredZone
      ? publicZones.filter((zone) => normalizeName(zone.dnsName) === configuredZone)
      : publicZones;
    const zone = pickLongestZone(name, candidates, (candidate) => candidate.dnsName);
    if (!zone) {
      const seen = publicZones.map((candidate) => candidate.dnsName).join(', ') || 'none';
      throw new ProviderError(
        PROVIDER,
        `No public managed zone in project ${project} contains ${name} (zones seen: ${seen}). ` +
          'Grant dns.managedZones.list on the project, or set dns.zone in the manifest.',
      );
    }
    return zone;
  };

  const waitDone = async (
    zone: ManagedZone,
    change: { id: string; status: string },
  ): Promise<void> => {
    const deadline = Date.now() + CHANGE_TIMEOUT_MS;
    let status = change.status;
    while (status !== 'done') {
      if (Date.now() > deadline) {
        throw new ProviderError(
          PROVIDER,
          `Change ${change.id} in zone ${zone.name} was not done after ${CHANGE_TIMEOUT_MS / 1000} s.`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, CHANGE_POLL_MS));
      const url = `${projectUrl}/managedZones/${zone.name}/changes/${change.id}`;
      status = (await api<{ status: string }>('changes.get', 'GET', url)).status;
    }
  };

  const editor = new TxtRecordSetEditor<ManagedZone, ResourceRecordSet>({
    async read(zone, name) {
      const fqdn = toGoogleName(name);
      const url = `${projectUrl}/managedZones/${zone.name}/rrsets?name=${encodeURIComponent(fqdn)}&type=TXT`;
      const page = await api<{ rrsets?: ResourceRecordSet[] }>(
        'resourceRecordSets.list',
        'GET',
        url,
      );
      const set = (page.rrsets ?? []).find(
        (candidate) => candidate.name === fqdn && candidate.type === 'TXT',
      );
      if (!set) return undefined;
      return { values: set.rrdatas.map(unquoteTxtValue), ttl: set.ttl, version: set };
    },
    async write(zone, name, current, values) {
      // A change whose deletion is not the exact current set fails with 412, and an
      // addition of a set that already exists fails with 409: both mean another writer won.
      const additions =
        values.length > 0
          ? [
              {
                name: toGoogleName(name),
                type: 'TXT',
                ttl: current?.ttl ?? DEFAULT_TXT_TTL,
                rrdatas: values.map(quoteTxtValue),
              },
            ]
          : [];
      const deletions = current ? [current.version] : [];
      const url = `${projectUrl}/managedZones/${zone.name}/changes`;
      const change = await api<{ id: string; status: string }>('changes.create', 'POST', url, {
        additions,
        deletions,
      });
      await waitDone(zone, change);
    },
    isConflict: (error) =>
      error instanceof JsonApiError && (error.status === 412 || error.status === 409),
  });

  return {
    name: PROVIDER,
    propagationTimeoutMs: CHANGE_TIMEOUT_MS,

    async present(record: ChallengeRecord): Promise<void> {
      const name = normalizeName(record.name);
      const zone = await findZone(name);
      const added = await editor.add(zone, name, record.value);
      logger?.debug(
        `${PROVIDER}: ${added ? 'added' : 'already had'} TXT value at ${name} in managed zone ${zone.name}`,
      );
    },

    async cleanUp(record: ChallengeRecord): Promise<void> {
      const name = normalizeName(record.name);
      const zone = await findZone(name);
      const removed = await editor.remove(zone, name, record.value);
      logger?.debug(
        `${PROVIDER}: ${removed ? 'removed' : 'found no'} TXT value at ${name} in managed zone ${zone.name}`,
      );
    },

    async authoritativeServers(record: ChallengeRecord): Promise<string[]> {
      const zone = await findZone(normalizeName(record.name));
      return (zone.nameServers ?? []).map((server) => `${server.replace(/\.$/, '')}:53`);
    },
  };
}
