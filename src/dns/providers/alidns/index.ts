import type { ChallengeRecord, DnsProvider } from '../../provider.js';
import type { DnsSettings } from '../../../manifest/types.js';
import type { Logger } from '../../../log.js';
import { ProviderError, readSetting, requireSetting } from '../shared/errors.js';
import { normalizeName, pickLongestZone, relativeName } from '../shared/names.js';
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

/** Creates the Alibaba Cloud DNS provider: one record per TXT value, so values on one name never conflict. */
export function createAlidnsProvider(
  settings: DnsSettings,
  env: NodeJS.ProcessEnv,
  logger?: Logger,
): DnsProvider {
  const client = createAlidnsClient(env);
  const added = new Map<string, string>();
  let domains: Promise<string[]> | undefined;

  const listDomains = async (): Promise<string[]> => {
    const names: string[] = [];
    for (let page = 1; ; page += 1) {
      const response = await client.call<DescribeDomainsResponse>('DescribeDomains', {
        PageNumber: String(page),
        PageSize: String(DOMAIN_PAGE_SIZE),
      });
      names.push(...response.Domains.Domain.map((domain) => normalizeName(domain.DomainName)));
      // The server may cap the page size below the one requested, so its own PageSize counts.
      const pageSize = response.PageSize ?? DOMAIN_PAGE_SIZE;
      if (page * pageSize >= response.TotalCount || response.Domains.Domain.length === 0) {
        return names;
      }
    }
  };

  const findZone = async (name: string): Promise<string> => {
    if (settings.zone) return normalizeName(settings.zone);
    domains ??= listDomains();
    domains.catch(() => (domains = undefined));
    const zone = pickLongestZone(name, await domains, (domain) => domain);
    if (!zone) {
      throw new ProviderError(
        PROVIDER,
        `No domain visible to ALICLOUD_ACCESS_KEY contains ${name} (domains seen: ${(await domains).join(', ') || 'none'}). ` +
          'Add the domain to Alibaba Cloud DNS, allow alidns:DescribeDomains, or set dns.zone in the manifest.',
      );
    }
    return zone;
  };

  const findRecordIds = async (name: string, zone: string, value: string): Promise<string[]> => {
    const target = toAlidnsName(name, zone);
    const ids: string[] = [];
    for (let page = 1; ; page += 1) {
      const response = await client.call<DescribeDomainRecordsResponse>('DescribeDomainRecords', {
        DomainName: target.DomainName,
        RRKeyWord: target.RR,
        TypeKeyWord: 'TXT',
        PageNumber: String(page),
        PageSize: String(RECORD_PAGE_SIZE),
      });
      const records = response.DomainRecords.Record;
      // RRKeyWord matches by substring, so the exact RR and value are checked here.
      ids.push(
        ...records
          .filter((r) => r.RR === target.RR && r.Type === 'TXT' && r.Value === value)
          .map((r) => r.RecordId),
      );
      if (page * RECORD_PAGE_SIZE >= response.TotalCount || records.length === 0) return ids;
    }
  };

  return {
    name: PROVIDER,
    // NOTE: an estimate. Neither provider documents how long its authoritative servers take.
    propagationTimeoutMs: 600_000,

    async present(record: ChallengeRecord): Promise<void> {
      const name = normalizeName(record.name);
      const zone = await findZone(name);
      try {
        const response = await client.call<{ RecordId: string }>('AddDomainRecord', {
          ...toAlidnsName(name, zone),
          Type: 'TXT',
          Value: record.value,
          TTL: String(TXT_TTL),
        });
        added.set(`${name}\n${record.value}`, response.RecordId);
        logger?.debug(
          `${PROVIDER}: added TXT ${name} in domain ${zone} (record ${response.RecordId})`,
        );
      } catch (error) {
        if (!(error instanceof AlidnsApiError) || error.code !== 'DomainRecordDuplicate')
          throw error;
        logger?.debug(
          `${PROVIDER}: TXT ${name} already has this value; leaving it for clean-up by value`,
        );
      }
    },

    async cleanUp(record: ChallengeRecord): Promise<void> {
      const name = normalizeName(record.name);
      const key = `${name}\n${record.value}`;
      const known = added.get(key);
      const ids = known ? [known] : await findRecordIds(name, await findZone(name), record.value);
      for (const id of ids) {
        await client.call('DeleteDomainRecord', { RecordId: id });
        logger?.debug(`${PROVIDER}: deleted TXT ${name} (record ${id})`);
      }
      added.delete(key);
    },
  };
}
