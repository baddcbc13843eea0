import type { ChallengeRecord, DnsProvider } from '../../provider.js';
import type { DnsSettings } from '../../../manifest/types.js';
import type { Logger } from '../../../log.js';
import { ProviderError, readSetting, requireSetting } from '../shared/errors.js';
import {
  normalizeName,
  normalizeRecordName,
  pickLongestZone,
  relativeName,
} from '../shared/names.js';
import { TencentApiError, TencentClient } from './client.js';

const PROVIDER = 'tencentcloud';
const PAGE_SIZE = 100;
/** Record line that every DNSPod plan has; the API requires one. */
const DEFAULT_RECORD_LINE = '默认';
/** Error code of CreateRecord when an identical record already exists. */
const RECORD_EXISTS = 'InvalidParameter.DomainRecordExist';
/** Smallest TTL the free DNSPod plan accepts, in seconds. */
const TXT_TTL = 600;

interface DescribeDomainListResponse {
  DomainCountInfo: { AllTotal: number };
  DomainList: { Name: string }[];
}

interface DescribeRecordListResponse {
  RecordCountInfo: { TotalCount: number };
  RecordList: { RecordId: number; Name: string; Type: string; Value: string }[];
}

/** Converts a normalized name and its zone to the API's form: `Domain` plus the relative `SubDomain`. */
function toDnspodName(name: string, zone: string): { Domain: string; SubDomain: string } {
  return { Domain: zone, SubDomain: relativeName(name, zone) };
}

export function createTencentClient(env: NodeJS.ProcessEnv): TencentClient {
  const secretId = requireSetting(
    PROVIDER,
    env,
    ['TENCENTCLOUD_SECRET_ID'],
    'the SecretId of a CAM user allowed to change DNSPod records',
  );
  const secretKey = requireSetting(
    PROVIDER,
    env,
    ['TENCENTCLOUD_SECRET_KEY'],
    'the SecretKey that belongs to TENCENTCLOUD_SECRET_ID',
  );
  const endpoint =
    readSetting(PROVIDER, env, 'TENCENTCLOUD_API_BASE_URL') ??
    'https://dnspod.tencentcloudapi.com/';
  return new TencentClient(
    endpoint,
    { secretId, secretKey, sessionToken: readSetting(PROVIDER, env, 'TENCENTCLOUD_SESSION_TOKEN') },
    readSetting(PROVIDER, env, 'TENCENTCLOUD_REGION'),
  );
}

/** Tencent Cloud DNSPod provider: one record per TXT value, so values on one name never conflict. */
class TencentProvider implements DnsProvider {
  readonly name = PROVIDER;
  // NOTE: an estimate. Neither Alibaba nor Tencent documents how long its authoritative servers take.
  readonly propagationTimeoutMs = 600_000;
  /** Record ids that `present` created, keyed by name and value. */
  private readonly added = new Map<string, { zone: string; recordId: number }>();
  private domains: Promise<string[]> | undefined;

  constructor(
    private readonly client: TencentClient,
    private readonly configuredZone: string | undefined,
    private readonly logger?: Logger,
  ) {}

  async present(record: ChallengeRecord): Promise<void> {
    const name = normalizeRecordName(PROVIDER, record.name);
    const zone = await this.findZone(name);
    try {
      const response = await this.client.call<{ RecordId: number }>('CreateRecord', {
        ...toDnspodName(name, zone),
        RecordType: 'TXT',
        RecordLine: DEFAULT_RECORD_LINE,
        Value: record.value,
        TTL: TXT_TTL,
      });
      this.added.set(`${name}\n${record.value}`, { zone, recordId: response.RecordId });
      this.logger?.debug(
        `${PROVIDER}: added TXT ${name} in domain ${zone} (record ${response.RecordId})`,
      );
    } catch (error) {
      if (!(error instanceof TencentApiError) || error.code !== RECORD_EXISTS) throw error;
      this.logger?.debug(
        `${PROVIDER}: TXT ${name} already has this value, so clean-up will find it by value`,
      );
    }
  }

  async cleanUp(record: ChallengeRecord): Promise<void> {
    const name = normalizeRecordName(PROVIDER, record.name);
    const key = `${name}\n${record.value}`;
    const known = this.added.get(key);
    const zone = known?.zone ?? (await this.findZone(name));
    const ids = known ? [known.recordId] : await this.findRecordIds(name, zone, record.value);

    for (const id of ids) {
      await this.client.call('DeleteRecord', { Domain: zone, RecordId: id });
      this.logger?.debug(`${PROVIDER}: deleted TXT ${name} (record ${id})`);
    }
    this.added.delete(key);
  }

  private async listDomains(): Promise<string[]> {
    const names: string[] = [];
    // The offset advances by what the server returned, which may be fewer than Limit.
    for (let offset = 0; ;) {
      const response = await this.client.call<DescribeDomainListResponse>('DescribeDomainList', {
        Offset: offset,
        Limit: PAGE_SIZE,
      });
      names.push(...response.DomainList.map((domain) => normalizeName(domain.Name)));
      offset += response.DomainList.length;
      if (offset >= response.DomainCountInfo.AllTotal || response.DomainList.length === 0) {
        return names;
      }
    }
  }

  private async findZone(name: string): Promise<string> {
    if (this.configuredZone) return this.configuredZone;
    this.domains ??= this.listDomains();
    this.domains.catch(() => (this.domains = undefined));

    const domains = await this.domains;
    const zone = pickLongestZone(name, domains, (domain) => domain);
    if (!zone) {
      throw new ProviderError(
        PROVIDER,
        `No domain visible to TENCENTCLOUD_SECRET_ID contains ${name} (domains seen: ${domains.join(', ') || 'none'}). ` +
          'Add the domain to DNSPod, allow dnspod:DescribeDomainList, or set dns.zone in the manifest.',
      );
    }
    return zone;
  }

  /** Finds records with exactly this value, for a clean-up in a process that did not present it. */
  private async findRecordIds(name: string, zone: string, value: string): Promise<number[]> {
    const target = toDnspodName(name, zone);
    const ids: number[] = [];
    for (let offset = 0; ; offset += PAGE_SIZE) {
      let response: DescribeRecordListResponse;
      try {
        response = await this.client.call<DescribeRecordListResponse>('DescribeRecordList', {
          Domain: target.Domain,
          Subdomain: target.SubDomain,
          RecordType: 'TXT',
          Offset: offset,
          Limit: PAGE_SIZE,
        });
      } catch (error) {
        // DNSPod reports an empty result as this error rather than an empty list.
        if (error instanceof TencentApiError && error.code === 'ResourceNotFound.NoDataOfRecord') {
          return ids;
        }
        throw error;
      }
      const matching = response.RecordList.filter((r) => r.Type === 'TXT' && r.Value === value);
      ids.push(...matching.map((r) => r.RecordId));
      const total = response.RecordCountInfo.TotalCount;
      if (offset + PAGE_SIZE >= total || response.RecordList.length === 0) return ids;
    }
  }
}

/** Creates the Tencent Cloud DNSPod provider from the manifest settings and the environment. */
export function createTencentProvider(
  settings: DnsSettings,
  env: NodeJS.ProcessEnv,
  logger?: Logger,
): DnsProvider {
  const configuredZone = settings.zone ? normalizeName(settings.zone) : undefined;
  return new TencentProvider(createTencentClient(env), configuredZone, logger);
}
