import type { ChallengeRecord, DnsProvider } from '../../provider.js';
import type { DnsSettings } from '../../../manifest/types.js';
import type { Logger } from '../../../log.js';
import { ProviderError, readSetting } from '../shared/errors.js';
import {
  absoluteName,
  normalizeName,
  normalizeRecordName,
  pickLongestZone,
} from '../shared/names.js';
import { DEFAULT_TXT_TTL, TxtRecordSetEditor, type TxtRecordSet } from '../shared/rrset.js';
import { quoteTxtValue, unquoteTxtValue } from '../shared/txt.js';
import { Route53ApiError, Route53Client, type HostedZone, type Route53TxtSet } from './client.js';
import { resolveCredentialSource } from './credentials.js';

const PROVIDER = 'route53';
/** Route 53 reports INSYNC within 60 seconds in normal operation; this is the wait limit. */
const INSYNC_TIMEOUT_MS = 180_000;
const INSYNC_POLL_MS = 3_000;

/** Route 53 endpoint and signing region for the partition of `AWS_REGION` (the API is global per partition). */
function partitionEndpoint(region: string | undefined): {
  endpoint: string;
  signingRegion: string;
} {
  if (region?.startsWith('cn-'))
    return { endpoint: 'https://route53.amazonaws.com.cn', signingRegion: 'cn-northwest-1' };
  if (region?.startsWith('us-gov-'))
    return { endpoint: 'https://route53.us-gov.amazonaws.com', signingRegion: 'us-gov-west-1' };
  return { endpoint: 'https://route53.amazonaws.com', signingRegion: 'us-east-1' };
}

/** Converts the normalized name to the API's form: absolute, with the trailing dot. */
function toRoute53Name(name: string): string {
  return absoluteName(normalizeName(name));
}

/** Route 53 provider, which keeps all TXT values of a name in one record set. */
class Route53Provider implements DnsProvider {
  readonly name = PROVIDER;
  readonly propagationTimeoutMs = INSYNC_TIMEOUT_MS;
  private zones: Promise<HostedZone[]> | undefined;
  private readonly editor: TxtRecordSetEditor<string, Route53TxtSet>;

  constructor(
    private readonly client: Route53Client,
    private readonly fixedZoneId: string | undefined,
    private readonly configuredZone: string | undefined,
    private readonly logger?: Logger,
  ) {
    this.editor = new TxtRecordSetEditor<string, Route53TxtSet>({
      read: (zoneId, name) => this.readSet(zoneId, name),
      write: (zoneId, name, current, values) => this.writeSet(zoneId, name, current, values),
      isConflict: (error) =>
        error instanceof Route53ApiError && error.code === 'InvalidChangeBatch',
    });
  }

  async present(record: ChallengeRecord): Promise<void> {
    const name = normalizeRecordName(PROVIDER, record.name);
    const zoneId = await this.findZoneId(name);
    const added = await this.editor.add(zoneId, name, record.value);
    this.logger?.debug(
      `${PROVIDER}: ${added ? 'added' : 'already had'} TXT value at ${name} in hosted zone ${zoneId}`,
    );
  }

  async cleanUp(record: ChallengeRecord): Promise<void> {
    const name = normalizeRecordName(PROVIDER, record.name);
    const zoneId = await this.findZoneId(name);
    const removed = await this.editor.remove(zoneId, name, record.value);
    this.logger?.debug(
      `${PROVIDER}: ${removed ? 'removed' : 'found no'} TXT value at ${name} in hosted zone ${zoneId}`,
    );
  }

  private async findZoneId(name: string): Promise<string> {
    if (this.fixedZoneId) return this.fixedZoneId;
    this.zones ??= this.client.listHostedZones();
    this.zones.catch(() => (this.zones = undefined));

    const publicZones = (await this.zones).filter((zone) => !zone.privateZone);
    const candidates = this.configuredZone
      ? publicZones.filter((zone) => normalizeName(zone.name) === this.configuredZone)
      : publicZones;
    const zone = pickLongestZone(name, candidates, (candidate) => candidate.name);
    if (!zone) {
      const seen = publicZones.map((candidate) => candidate.name).join(', ') || 'none';
      throw new ProviderError(
        PROVIDER,
        `No public hosted zone visible to these credentials contains ${name} (zones seen: ${seen}). ` +
          'Allow route53:ListHostedZones, or set AWS_HOSTED_ZONE_ID.',
      );
    }
    return zone.id;
  }

  private async readSet(
    zoneId: string,
    name: string,
  ): Promise<TxtRecordSet<Route53TxtSet> | undefined> {
    const set = await this.client.readTxtSet(zoneId, toRoute53Name(name));
    if (!set) return undefined;
    return { values: set.values.map(unquoteTxtValue), ttl: set.ttl, version: set };
  }

  private async writeSet(
    zoneId: string,
    name: string,
    current: TxtRecordSet<Route53TxtSet> | undefined,
    values: string[],
  ): Promise<void> {
    // DELETE of the exact old set plus CREATE of the new one fails as a whole when
    // another writer changed the set in between, which is Route 53's concurrency guard.
    const changes: { action: 'CREATE' | 'DELETE'; set: Route53TxtSet }[] = [];
    if (current) changes.push({ action: 'DELETE', set: current.version });
    if (values.length > 0) {
      const ttl = current?.ttl ?? DEFAULT_TXT_TTL;
      changes.push({
        action: 'CREATE',
        set: { name: toRoute53Name(name), ttl, values: values.map(quoteTxtValue) },
      });
    }
    await this.waitInSync(await this.client.changeRecordSets(zoneId, changes));
  }

  private async waitInSync(changeId: string): Promise<void> {
    const deadline = Date.now() + INSYNC_TIMEOUT_MS;
    while ((await this.client.getChangeStatus(changeId)) !== 'INSYNC') {
      if (Date.now() > deadline) {
        throw new ProviderError(
          PROVIDER,
          `Change ${changeId} was not INSYNC after ${INSYNC_TIMEOUT_MS / 1000} s. Retry the run later.`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, INSYNC_POLL_MS));
    }
  }
}

/** Creates the Route 53 provider from the manifest settings and the environment. */
export function createRoute53Provider(
  settings: DnsSettings,
  env: NodeJS.ProcessEnv,
  logger?: Logger,
): DnsProvider {
  const credentials = resolveCredentialSource(env);
  const region =
    readSetting(PROVIDER, env, 'AWS_REGION') ?? readSetting(PROVIDER, env, 'AWS_DEFAULT_REGION');
  const partition = partitionEndpoint(region);
  const endpoint =
    readSetting(PROVIDER, env, 'AWS_ENDPOINT_URL_ROUTE_53') ??
    readSetting(PROVIDER, env, 'AWS_ENDPOINT_URL') ??
    partition.endpoint;
  const client = new Route53Client(endpoint, partition.signingRegion, credentials);
  const fixedZoneId = readSetting(PROVIDER, env, 'AWS_HOSTED_ZONE_ID')?.replace(
    /^\/hostedzone\//,
    '',
  );
  const configuredZone = settings.zone ? normalizeName(settings.zone) : undefined;
  return new Route53Provider(client, fixedZoneId, configuredZone, logger);
}
