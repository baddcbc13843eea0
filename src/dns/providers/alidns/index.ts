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
import { AlidnsApiError, AlidnsClient } from './client.js';

const PROVIDER = 'alidns';
const DOMAIN_PAGE_SIZE = 100;
const RECORD_PAGE_SIZE = 500;
/** Smallest TTL the free edition of Alibaba Cloud DNS accepts, in seconds. */
const TXT_TTL = 600;

interface DescribeDomainsResponse {
  TotalCount: number;
  PageNumber: number;
  PageSize?: number;
  Domains: { Domain: { DomainName: string }[] };
}

interface DescribeDomainRecordsResponse {
  TotalCount: number;
  DomainRecords: { Record: { RecordId: string; RR: string; Type: string; Value: string }[] };
}

/** Converts a normalized name and its zone to the API's form: `DomainName` plus the relative `RR`. */
function toAlidnsName(name: string, zone: string): { DomainName: string; RR: string } {
  return { DomainName: zone, RR: relativeName(name, zone) };
}

export function createAlidnsClient(env: NodeJS.ProcessEnv): AlidnsClient {
  const accessKeyId = requireSetting(
    PROVIDER,
    env,
    ['ALICLOUD_ACCESS_KEY'],
    'the AccessKey ID of a RAM user with AliyunDNSFullAccess or a narrower DNS policy',
  );
  const accessKeySecret = requireSetting(
    PROVIDER,
    env,
    ['ALICLOUD_SECRET_KEY'],
    'the AccessKey secret that belongs to ALICLOUD_ACCESS_KEY',
  );
  const region = readSetting(PROVIDER, env, 'ALICLOUD_REGION_ID');
  const endpoint =
    readSetting(PROVIDER, env, 'ALICLOUD_API_BASE_URL') ??
    (region ? `https://alidns.${region}.aliyuncs.com/` : 'https://alidns.aliyuncs.com/');
  return new AlidnsClient(endpoint, {
    accessKeyId,
    accessKeySecret,
    securityToken: readSetting(PROVIDER, env, 'ALICLOUD_SECURITY_TOKEN'),
  });
}

/** Alibaba Cloud DNS provider: one record per TXT value, so values on one name never conflict. */
class AlidnsProvider implements DnsProvider {
  readonly name = PROVIDER;
  // NOTE: an estimate. Neither Alibaba nor Tencent documents how long its authoritative servers take.
  readonly propagationTimeoutMs = 600_000;
  /** Record ids that `present` created, keyed by name and value. */
  private readonly added = new Map<string, string>();
  private domains: Promise<string[]> | undefined;

  constructor(
    private readonly client: AlidnsClient,
    private readonly configuredZone: string | undefined,
    private readonly logger?: Logger,
  ) {}

  async present(record: ChallengeRecord): Promise<void> {
    const name = normalizeRecordName(PROVIDER, record.name);
    const zone = await this.findZone(name);
    try {
      const response = await this.client.call<{ RecordId: string }>('AddDomainRecord', {
        ...toAlidnsName(name, zone),
        Type: 'TXT',
        Value: record.value,
        TTL: String(TXT_TTL),
      });
      this.added.set(`${name}\n${record.value}`, response.RecordId);
      this.logger?.debug(
        `${PROVIDER}: added TXT ${name} in domain ${zone} (record ${response.RecordId})`,
      );
    } catch (error) {
      if (!(error instanceof AlidnsApiError) || error.code !== 'DomainRecordDuplicate') throw error;
      this.logger?.debug(
        `${PROVIDER}: TXT ${name} already has this value, so clean-up will find it by value`,
      );
    }
  }

  async cleanUp(record: ChallengeRecord): Promise<void> {
    const name = normalizeRecordName(PROVIDER, record.name);
    const key = `${name}\n${record.value}`;
    const known = this.added.get(key);
    const ids = known
      ? [known]
      : await this.findRecordIds(name, await this.findZone(name), record.value);

    for (const id of ids) {
      await this.client.call('DeleteDomainRecord', { RecordId: id });
      this.logger?.debug(`${PROVIDER}: deleted TXT ${name} (record ${id})`);
    }
    this.added.delete(key);
  }

  private async listDomains(): Promise<string[]> {
    const names: string[] = [];
    for (let page = 1; ; page += 1) {
      const response = await this.client.call<DescribeDomainsResponse>('DescribeDomains', {
        PageNumber: String(page),
        PageSize: String(DOMAIN_PAGE_SIZE),
      });
      const domains = response.Domains.Domain;
      names.push(...domains.map((domain) => normalizeName(domain.DomainName)));
      // The server may cap the page size below the one requested, so its own PageSize counts.
      const pageSize = response.PageSize ?? DOMAIN_PAGE_SIZE;
      if (page * pageSize >= response.TotalCount || domains.length === 0) return names;
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
        `No domain visible to ALICLOUD_ACCESS_KEY contains ${name} (domains seen: ${domains.join(', ') || 'none'}). ` +
          'Add the domain to Alibaba Cloud DNS, allow alidns:DescribeDomains, or set dns.zone in the manifest.',
      );
    }
    return zone;
  }

  /** Finds records with exactly this value, for a clean-up in a process that did not present it. */
  private async findRecordIds(name: string, zone: string, value: string): Promise<string[]> {
    const target = toAlidnsName(name, zone);
    const ids: string[] = [];
    for (let page = 1; ; page += 1) {
      const response = await this.client.call<DescribeDomainRecordsResponse>(
        'DescribeDomainRecords',
        {
          DomainName: target.DomainName,
          RRKeyWord: target.RR,
          TypeKeyWord: 'TXT',
          PageNumber: String(page),
          PageSize: String(RECORD_PAGE_SIZE),
        },
      );
      const records = response.DomainRecords.Record;
      // RRKeyWord matches by substring, so the exact RR and value are checked here.
      const matching = records.filter(
        (r) => r.RR === target.RR && r.Type === 'TXT' && r.Value === value,
      );
      ids.push(...matching.map((r) => r.RecordId));
      if (page * RECORD_PAGE_SIZE >= response.TotalCount || records.length === 0) return ids;
    }
  }
}

/** Creates the Alibaba Cloud DNS provider from the manifest settings and the environment. */
export function createAlidnsProvider(
  settings: DnsSettings,
  env: NodeJS.ProcessEnv,
  logger?: Logger,
): DnsProvider {
  const configuredZone = settings.zone ? normalizeName(settings.zone) : undefined;
  return new AlidnsProvider(createAlidnsClient(env), configuredZone, logger);
}
