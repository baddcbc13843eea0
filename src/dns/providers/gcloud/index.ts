import type { ChallengeRecord, DnsProvider } from '../../provider.js';
import type { DnsSettings } from '../../../manifest/types.js';
import type { Logger } from '../../../log.js';
import { ProviderError, readSetting } from '../shared/errors.js';
import { joinUrl } from '../shared/http.js';
import {
  absoluteName,
  normalizeName,
  normalizeRecordName,
  pickLongestZone,
} from '../shared/names.js';
import { JsonApiError, callJson } from '../shared/oauth.js';
import { DEFAULT_TXT_TTL, TxtRecordSetEditor, type TxtRecordSet } from '../shared/rrset.js';
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

/** Google Cloud DNS provider, which keeps all TXT values of a name in one record set. */
class GcloudProvider implements DnsProvider {
  readonly name = PROVIDER;
  readonly propagationTimeoutMs = CHANGE_TIMEOUT_MS;
  private zones: Promise<ManagedZone[]> | undefined;
  private readonly editor: TxtRecordSetEditor<ManagedZone, ResourceRecordSet>;

  constructor(
    private readonly project: string,
    /** `<base URL>/projects/<project>`, the prefix of every call. */
    private readonly projectUrl: string,
    private readonly accessToken: () => Promise<string>,
    private readonly configuredZone: string | undefined,
    private readonly logger?: Logger,
  ) {
    this.editor = new TxtRecordSetEditor<ManagedZone, ResourceRecordSet>({
      read: (zone, name) => this.readSet(zone, name),
      write: (zone, name, current, values) => this.writeSet(zone, name, current, values),
      // A deletion that is not the exact current set fails with 412, and an addition of
      // a set that already exists fails with 409: both mean another writer won.
      isConflict: (error) =>
        error instanceof JsonApiError && (error.status === 412 || error.status === 409),
    });
  }

  async present(record: ChallengeRecord): Promise<void> {
    const name = normalizeRecordName(PROVIDER, record.name);
    const zone = await this.findZone(name);
    const added = await this.editor.add(zone, name, record.value);
    this.logger?.debug(
      `${PROVIDER}: ${added ? 'added' : 'already had'} TXT value at ${name} in managed zone ${zone.name}`,
    );
  }

  async cleanUp(record: ChallengeRecord): Promise<void> {
    const name = normalizeRecordName(PROVIDER, record.name);
    const zone = await this.findZone(name);
    const removed = await this.editor.remove(zone, name, record.value);
    this.logger?.debug(
      `${PROVIDER}: ${removed ? 'removed' : 'found no'} TXT value at ${name} in managed zone ${zone.name}`,
    );
  }

  async authoritativeServers(record: ChallengeRecord): Promise<string[]> {
    const zone = await this.findZone(normalizeRecordName(PROVIDER, record.name));
    return (zone.nameServers ?? []).map((server) => `${server.replace(/\.$/, '')}:53`);
  }

  private async call<T>(
    operation: string,
    method: string,
    url: string,
    body?: unknown,
  ): Promise<T> {
    const headers: Record<string, string> = { authorization: `Bearer ${await this.accessToken()}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const request = {
      method,
      url,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    };
    return (await callJson<T>(PROVIDER, operation, request)).body;
  }

  private async listZones(): Promise<ManagedZone[]> {
    const zones: ManagedZone[] = [];
    let pageToken: string | undefined;
    do {
      const query = pageToken ? `?pageToken=${encodeURIComponent(pageToken)}` : '';
      const page = await this.call<{ managedZones?: ManagedZone[]; nextPageToken?: string }>(
        'managedZones.list',
        'GET',
        `${this.projectUrl}/managedZones${query}`,
      );
      zones.push(...(page.managedZones ?? []));
      pageToken = page.nextPageToken;
    } while (pageToken);
    return zones;
  }

  private async findZone(name: string): Promise<ManagedZone> {
    this.zones ??= this.listZones();
    this.zones.catch(() => (this.zones = undefined));

    // The CA cannot query a private zone, so only public zones can hold a challenge.
    const publicZones = (await this.zones).filter((zone) => zone.visibility !== 'private');
    const candidates = this.configuredZone
      ? publicZones.filter((zone) => normalizeName(zone.dnsName) === this.configuredZone)
      : publicZones;
    const zone = pickLongestZone(name, candidates, (candidate) => candidate.dnsName);
    if (!zone) {
      const seen = publicZones.map((candidate) => candidate.dnsName).join(', ') || 'none';
      throw new ProviderError(
        PROVIDER,
        `No public managed zone in project ${this.project} contains ${name} (zones seen: ${seen}). ` +
          'Grant dns.managedZones.list on the project, or set dns.zone in the manifest.',
      );
    }
    return zone;
  }

  private async readSet(
    zone: ManagedZone,
    name: string,
  ): Promise<TxtRecordSet<ResourceRecordSet> | undefined> {
    const fqdn = toGoogleName(name);
    const url = `${this.projectUrl}/managedZones/${zone.name}/rrsets?name=${encodeURIComponent(fqdn)}&type=TXT`;
    const page = await this.call<{ rrsets?: ResourceRecordSet[] }>(
      'resourceRecordSets.list',
      'GET',
      url,
    );
    const set = (page.rrsets ?? []).find(
      (candidate) => candidate.name === fqdn && candidate.type === 'TXT',
    );
    if (!set) return undefined;
    return { values: set.rrdatas.map(unquoteTxtValue), ttl: set.ttl, version: set };
  }

  private async writeSet(
    zone: ManagedZone,
    name: string,
    current: TxtRecordSet<ResourceRecordSet> | undefined,
    values: string[],
  ): Promise<void> {
    const ttl = current?.ttl ?? DEFAULT_TXT_TTL;
    const additions =
      values.length > 0
        ? [{ name: toGoogleName(name), type: 'TXT', ttl, rrdatas: values.map(quoteTxtValue) }]
        : [];
    const deletions = current ? [current.version] : [];
    const url = `${this.projectUrl}/managedZones/${zone.name}/changes`;
    const change = await this.call<{ id: string; status: string }>('changes.create', 'POST', url, {
      additions,
      deletions,
    });
    await this.waitDone(zone, change);
  }

  private async waitDone(zone: ManagedZone, change: { id: string; status: string }): Promise<void> {
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
      const url = `${this.projectUrl}/managedZones/${zone.name}/changes/${change.id}`;
      status = (await this.call<{ status: string }>('changes.get', 'GET', url)).status;
    }
  }
}

/** Creates the Google Cloud DNS provider from the manifest settings and the environment. */
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
  const projectUrl = joinUrl(baseUrl, `/projects/${encodeURIComponent(project)}`);
  const configuredZone = settings.zone ? normalizeName(settings.zone) : undefined;
  return new GcloudProvider(project, projectUrl, googleTokenSource(config), configuredZone, logger);
}
