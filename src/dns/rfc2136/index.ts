import type { DnsSettings } from '../../manifest/types.js';
import type { ChallengeRecord, DnsProvider } from '../provider.js';
import { describe, exchange, newMessageId, rcodeName } from '../client.js';
import { findZone } from '../lookup.js';
import { isInZone, normalizeDnsName } from '../names.js';
import { readRfc2136Config, Rfc2136Error, type Rfc2136Config } from './config.js';
import { encodeTxtUpdate, type TxtChange } from './message.js';
import { signMessage, TSIG_ERRORS, verifyResponse, type TsigVerification } from './tsig.js';

export { Rfc2136Error } from './config.js';

/**
 * Creates the provider that writes challenge records with RFC 2136 dynamic updates
 * signed by TSIG (RFC 8945). Tested against BIND 9.18.
 * Throws Rfc2136Error at once when a setting is missing or invalid.
 */
export function createRfc2136Provider(settings: DnsSettings, env: NodeJS.ProcessEnv): DnsProvider {
  const config = readRfc2136Config(settings, env);
  const zones = new Map<string, Promise<string>>();

  const zoneFor = (name: string): Promise<string> => {
    const cached = zones.get(name);
    if (cached) return cached;
    const found = resolveZone(config, name);
    zones.set(name, found);
    found.catch(() => zones.delete(name));
    return found;
  };

  const update = async (change: TxtChange): Promise<void> => {
    const zone = await zoneFor(change.name);
    await sendUpdate(config, zone, change);
  };

  return {
    name: 'rfc2136',
    propagationTimeoutMs: config.propagationTimeoutMs,
    present: async (record: ChallengeRecord) =>
      update({
        action: 'add',
        name: normalizeDnsName(record.name),
        value: record.value,
        ttl: config.ttl,
      }),
    cleanUp: async (record: ChallengeRecord) =>
      update({ action: 'delete', name: normalizeDnsName(record.name), value: record.value }),
    // The primary that accepted the update. Secondaries catch up later by NOTIFY and
    // zone transfer. A manifest that lists them in `nameservers` has them checked instead.
    authoritativeServers: async () => [config.nameserver],
  };
}

/**
 * Returns the manifest's zone when it contains `name`, else the zone found by SOA
 * lookup. A CNAME-delegated challenge name usually lies in another zone than the
 * one the manifest gives for the certificate's own names.
 */
async function resolveZone(config: Rfc2136Config, name: string): Promise<string> {
  if (config.zone !== undefined && isInZone(name, config.zone)) return config.zone;

  try {
    return await findZone(name, config.nameserver, { timeoutMs: config.dnsTimeoutMs });
  } catch (error) {
    throw new Rfc2136Error(
      `cannot find the zone of ${name} at ${config.nameserver}: ${describe(error)}`,
    );
  }
}

async function sendUpdate(config: Rfc2136Config, zone: string, change: TxtChange): Promise<void> {
  const operation = `${change.action === 'add' ? 'adding' : 'deleting'} TXT ${change.name} in zone ${zone} at ${config.nameserver} with key ${config.key.name} (${config.key.algorithm})`;
  const message = encodeTxtUpdate(newMessageId(), zone, [change]);
  const { signed, mac } = signMessage(message, config.key);

  let response: Buffer;
  try {
    response = await exchange(config.nameserver, signed, { timeoutMs: config.dnsTimeoutMs });
  } catch (error) {
    throw new Rfc2136Error(
      `${operation} failed: ${describe(error)} Check that the server runs and that RFC2136_NAMESERVER is its address.`,
    );
  }

  const rcode = response.readUInt16BE(2) & 0x0f;
  let verification: TsigVerification;
  try {
    verification = verifyResponse(response, config.key, mac);
  } catch (error) {
    throw new Rfc2136Error(`${operation} failed: the response is malformed: ${describe(error)}`);
  }

  if (!verification.ok)
    throw new Rfc2136Error(
      `${operation} failed: ${explainTsigFailure(verification, rcode, config)}`,
    );
  if (rcode !== 0)
    throw new Rfc2136Error(
      `${operation} failed: ${explainRcode(rcode, change.name, zone, config)}`,
    );
}

function explainTsigFailure(
  verification: Extract<TsigVerification, { ok: false }>,
  rcode: number,
  config: Rfc2136Config,
): string {
  const keyName = config.key.name;
  const tsigError = verification.record
    ? (TSIG_ERRORS[verification.record.error] ?? `TSIG error ${verification.record.error}`)
    : undefined;
  switch (verification.reason) {
    case 'server-error':
      if (tsigError === 'BADKEY') {
        return `the server does not know key ${keyName} with algorithm ${config.key.algorithm} (BADKEY). Make RFC2136_TSIG_KEY and RFC2136_TSIG_ALGORITHM match a key in the server's configuration.`;
      }
      if (tsigError === 'BADSIG') {
        return `the server rejected the signature (BADSIG): RFC2136_TSIG_SECRET is not the secret of key ${keyName} on the server. Copy the secret from the server's key file.`;
      }
      if (tsigError === 'BADTIME') {
        return `the server's clock and this machine's differ by more than ${verification.record?.fudge ?? 300} s (BADTIME). Synchronize the clocks, for example with NTP.`;
      }
      return `the server responded ${rcodeName(rcode)} with ${tsigError}.`;
    case 'unsigned':
      return rcode === 0
        ? `the response is not signed, so it cannot be trusted. Check that the server has key ${keyName}.`
        : `the server responded ${rcodeName(rcode)} without a TSIG signature. ${explainRcode(rcode, '', '', config)}`;
    case 'wrong-key':
      return `the response is signed with key ${verification.record?.keyName} (${verification.record?.algorithm}), not with ${keyName} (${config.key.algorithm}).`;
    case 'bad-mac':
      return `the response's TSIG signature does not verify with key ${keyName}. Check that RFC2136_TSIG_SECRET matches the server's key, and that nothing between this machine and the server alters DNS messages.`;
    case 'bad-time':
      return `the response was signed at ${verification.record?.timeSigned}, more than ${verification.record?.fudge} s from this machine's clock. Synchronize the clocks.`;
  }
}

function explainRcode(rcode: number, name: string, zone: string, config: Rfc2136Config): string {
  switch (rcodeName(rcode)) {
    case 'REFUSED':
      return `the server refused the update (REFUSED). Allow key ${config.key.name} to update zone ${zone || 'the zone'}, for example with allow-update { key "${config.key.name}"; }; or an update-policy grant in BIND.`;
    case 'NOTAUTH':
      return `the server is not authoritative for zone ${zone || 'the zone'} (NOTAUTH). Point RFC2136_NAMESERVER at the zone's primary server, or set the zone in the manifest.`;
    case 'NOTZONE':
      return `${name || 'the name'} is not inside zone ${zone || 'the zone'} (NOTZONE). Fix the zone in the manifest.`;
    case 'SERVFAIL':
      return 'the server failed to apply the update (SERVFAIL). Check its log, for example for a read-only zone file or journal.';
    case 'NOTIMP':
      return 'the server does not implement dynamic updates (NOTIMP). Use a server that accepts RFC 2136 updates, or another DNS provider.';
    case 'FORMERR':
      return 'the server could not parse the update (FORMERR).';
    default:
      return `the server responded ${rcodeName(rcode)}.`;
  }
}
