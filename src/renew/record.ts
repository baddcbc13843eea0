import { certificateIdentity } from '../ari/certid.js';
import type { AcmeOrder } from '../acme/order.js';
import type { AcmeSession } from '../acme/session.js';
import { clearPendingOrder, recordIssued } from '../lineage/lineage.js';
import type { CertificateRecord } from '../lineage/types.js';
import type { CertificateSpec } from '../manifest/types.js';
import type { CompletedOrder } from './complete-order.js';
import type { CertificateResult, IssuedFiles, RunContext } from './context.js';
import { commitLineage } from './helpers.js';
import { writeIssuedFiles } from './outputs.js';

/** Builds the lineage record of a certificate downloaded from `order`. */
export function buildCertificateRecord(
  chainPem: string,
  order: AcmeOrder,
  context: {
    directoryUrl: string;
    accountUrl: string;
    replaces: string | null;
    now: Date;
    keyLost: boolean;
  },
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

/** Records a valid order's certificate in the lineage and writes its files. */
export async function recordCompletedOrder(
  context: RunContext,
  session: AcmeSession,
  spec: CertificateSpec,
  completed: CompletedOrder,
  replaces: string | null,
): Promise<CertificateResult> {
  // The files are written before the record is committed. Once the lineage names the
  // certificate, later runs take it as in force, so a key that never reached the output
  // directory is recorded as lost to make the next run renew it.
  let files: IssuedFiles | undefined;
  let writeError: unknown;
  if (completed.privateKeyPem) {
    try {
      files = await writeIssuedFiles(
        context.settings.outputDirectory,
        spec.name,
        completed.chainPem,
        completed.privateKeyPem,
      );
    } catch (error) {
      writeError = error;
    }
  }

  const record = buildCertificateRecord(completed.chainPem, completed.order, {
    directoryUrl: session.directoryUrl,
    accountUrl: session.accountUrl,
    replaces,
    now: context.now(),
    keyLost: files === undefined,
  });
  const commit = await commitLineage(
    context,
    spec.name,
    `Record certificate ${record.serial} for ${spec.name}`,
    (current) => recordIssued(clearPendingOrder(current, completed.order.url), record),
    { [record.chainFile]: completed.chainPem },
  );

  if (writeError !== undefined) {
    const reason = writeError instanceof Error ? writeError.message : String(writeError);
    throw new Error(
      `certificate ${record.serial} was issued, but writing it to ${context.settings.outputDirectory} failed: ${reason}. ` +
        'The lineage records its key as lost, so the next run renews it; fix the output directory (permissions, free space) first.',
      { cause: writeError },
    );
  }
  const verb = replaces ? `replacing ${replaces}` : 'without replaces';
  context.logger.info(
    `${spec.name}: issued certificate ${record.serial} (${verb}), valid until ${record.notAfter}`,
  );
  return {
    commit,
    files,
    status: {
      name: spec.name,
      domains: spec.domains,
      outcome: 'renewed',
      reason: '',
      newSerial: record.serial,
      notBefore: new Date(record.notBefore),
      notAfter: new Date(record.notAfter),
      replaces,
    },
  };
}
