import { certificateIdentity } from '../ari/certid.js';
import type { AcmeOrder } from '../acme/order.js';
import type { CertificateRecord } from '../lineage/types.js';

/** Builds the lineage record of a certificate downloaded from `order`. */
export function buildCertificateRecord(
  chainPem: string,
  order: AcmeOrder,
  context: { directoryUrl: string; accountUrl: string; replaces: string | null; now: Date; keyLost: boolean },
): CertificateRecord {
  const identity = certificateIdentity(chainPem);
  const record: CertificateRecord = {
    serial: identity.serialHex,
    certId: identity.certId,
    authorityKeyId: identity.authorityKeyId ? identity.authorityKeyId.toString('hex') : null,
    identifiers: order.identifiers.map((identifier) => identifier.value),
    notBefore: identity.notBefore.toISOString(),
    notAfter: identity.notAfter.toISOString(),
    issuer: identity.issuer,
    directoryUrl: context.directoryUrl,
    accountUrl: context.accountUrl,
    orderUrl: order.url,
    replaces: context.replaces,
    issuedAt: context.now.toISOString(),
    chainFile: `${identity.serialHex}.pem`,
  };
  if (order.profile) record.profile = order.profile;
  if (context.keyLost) record.keyLost = true;
  return record;
}
