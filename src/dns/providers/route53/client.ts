import { ProviderError } from '../shared/errors.js';
import { joinUrl, send, withoutQuery } from '../shared/http.js';
import type { CredentialSource } from './credentials.js';
import { signV4 } from './sigv4.js';
import { elements, escapeXml, text } from './xml.js';

const PROVIDER = 'route53';
const API_VERSION = '2013-04-01';
const XML_NAMESPACE = `https://route53.amazonaws.com/doc/${API_VERSION}/`;
const TRANSIENT_ERROR_CODES = ['Throttling', 'PriorRequestNotComplete'];
const TRANSIENT_RETRY_DELAYS_MS = [1_000, 2_000, 4_000];

export interface HostedZone {
  /** Id without the `/hostedzone/` prefix. */
  id: string;
  /** Zone name with its trailing dot, as Route 53 returns it. */
  name: string;
  privateZone: boolean;
}

/** One TXT record set with its values in Route 53's presentation form (`"text"`). */
export interface Route53TxtSet {
  name: string;
  ttl: number;
  values: string[];
}

export class Route53ApiError extends ProviderError {
  constructor(
    readonly operation: string,
    readonly status: number,
    readonly code: string,
    detail: string,
  ) {
    super(PROVIDER, `${operation} failed with HTTP ${status}: ${code}: ${detail}`);
  }
}

/** Route 53 REST client (API 2013-04-01) signed with AWS Signature Version 4. */
export class Route53Client {
  constructor(
    private readonly endpoint: string,
    private readonly signingRegion: string,
    private readonly credentials: CredentialSource,
  ) {}

  /**
   * Sends one signed call. It retries after 1, 2 and 4 seconds when Route 53 rejects the
   * call with `Throttling` (too many calls) or `PriorRequestNotComplete` (an earlier
   * change to the zone is still being applied).
   */
  private async call(operation: string, method: string, path: string, body = ''): Promise<string> {
    for (let attempt = 0; ; attempt += 1) {
      try {
        return await this.callOnce(operation, method, path, body);
      } catch (error) {
        const transient =
          error instanceof Route53ApiError && TRANSIENT_ERROR_CODES.includes(error.code);
        if (!transient || attempt >= TRANSIENT_RETRY_DELAYS_MS.length) throw error;
        await new Promise((resolve) => setTimeout(resolve, TRANSIENT_RETRY_DELAYS_MS[attempt]));
      }
    }
  }

  private async callOnce(
    operation: string,
    method: string,
    path: string,
    body: string,
  ): Promise<string> {
    const url = joinUrl(this.endpoint, `/${API_VERSION}${path}`);
    const baseHeaders: Record<string, string> = body ? { 'content-type': 'application/xml' } : {};
    const headers = signV4({ method, url, headers: baseHeaders, body }, await this.credentials(), {
      region: this.signingRegion,
      service: 'route53',
      date: new Date(),
    });
    const response = await send(PROVIDER, { method, url, headers, body: body || undefined });
    if (response.status >= 400) {
      const code =
        text(response.text, 'Code') ??
        (response.text.includes('<InvalidChangeBatch') ? 'InvalidChangeBatch' : 'Error');
      const messages = elements(response.text, 'Message').join('; ') || response.text.slice(0, 200);
      throw new Route53ApiError(
        `${operation} (${method} ${withoutQuery(url)})`,
        response.status,
        code,
        messages,
      );
    }
    return response.text;
  }

  /** Lists every hosted zone, following `NextMarker` while `IsTruncated` is true. */
  async listHostedZones(): Promise<HostedZone[]> {
    const zones: HostedZone[] = [];
    let marker: string | undefined;
    do {
      const query = marker ? `?marker=${encodeURIComponent(marker)}` : '';
      const xml = await this.call('ListHostedZones', 'GET', `/hostedzone${query}`);
      for (const zone of elements(xml, 'HostedZone')) {
        zones.push({
          id: (text(zone, 'Id') ?? '').replace(/^\/hostedzone\//, ''),
          name: decodeRoute53Name(text(zone, 'Name') ?? ''),
          privateZone: text(zone, 'PrivateZone') === 'true',
        });
      }
      marker = text(xml, 'IsTruncated') === 'true' ? text(xml, 'NextMarker') : undefined;
    } while (marker);
    return zones;
  }

  /** Reads the TXT record set at `absoluteName`, or undefined when there is none. */
  async readTxtSet(zoneId: string, absoluteName: string): Promise<Route53TxtSet | undefined> {
    const query = `?name=${encodeURIComponent(absoluteName)}&type=TXT&maxitems=1`;
    const xml = await this.call(
      'ListResourceRecordSets',
      'GET',
      `/hostedzone/${zoneId}/rrset${query}`,
    );
    // The listing starts at the requested name and type but may return the next set in order.
    for (const set of elements(xml, 'ResourceRecordSet')) {
      const name = decodeRoute53Name(text(set, 'Name') ?? '');
      if (name.toLowerCase() !== absoluteName.toLowerCase() || text(set, 'Type') !== 'TXT')
        continue;
      return {
        name: text(set, 'Name') ?? absoluteName,
        ttl: Number(text(set, 'TTL') ?? '60'),
        values: elements(set, 'Value').map((value) => text(`<v>${value}</v>`, 'v') ?? ''),
      };
    }
    return undefined;
  }

  /** Sends one change batch, which Route 53 applies atomically or not at all; returns the change id. */
  async changeRecordSets(
    zoneId: string,
    changes: { action: 'CREATE' | 'DELETE'; set: Route53TxtSet }[],
  ): Promise<string> {
    const body =
      `<?xml version="1.0" encoding="UTF-8"?>` +
      `<ChangeResourceRecordSetsRequest xmlns="${XML_NAMESPACE}"><ChangeBatch>` +
      `<Comment>acme-lineage DNS-01 challenge</Comment><Changes>` +
      changes
        .map(({ action, set }) => `<Change><Action>${action}</Action>${recordSetXml(set)}</Change>`)
        .join('') +
      `</Changes></ChangeBatch></ChangeResourceRecordSetsRequest>`;
    const xml = await this.call(
      'ChangeResourceRecordSets',
      'POST',
      `/hostedzone/${zoneId}/rrset/`,
      body,
    );
    return (text(xml, 'Id') ?? '').replace(/^\/change\//, '');
  }

  /** Returns the status of a change: `PENDING` or `INSYNC`. */
  async getChangeStatus(changeId: string): Promise<string> {
    const xml = await this.call('GetChange', 'GET', `/change/${changeId}`);
    return text(xml, 'Status') ?? 'PENDING';
  }
}

function recordSetXml(set: Route53TxtSet): string {
  const records = set.values
    .map((value) => `<ResourceRecord><Value>${escapeXml(value)}</Value></ResourceRecord>`)
    .join('');
  return (
    `<ResourceRecordSet><Name>${escapeXml(set.name)}</Name><Type>TXT</Type><TTL>${set.ttl}</TTL>` +
    `<ResourceRecords>${records}</ResourceRecords></ResourceRecordSet>`
  );
}

/** Decodes the `\ooo` octal escapes Route 53 uses in names (for example `\052` for `*`). */
export function decodeRoute53Name(name: string): string {
  return name.replace(/\\(\d{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
}
