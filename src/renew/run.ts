import { loadAcmeLibrary } from '../acme/library.js';
import { AcmeSession } from '../acme/session.js';
import type { HttpClient } from '../http.js';
import type { AriState, Lineage } from '../lineage/types.js';
import type { CertificateSpec } from '../manifest/types.js';
import type { ReplacementIncident } from '../report/incident.js';
import { assessCertificate } from './assess.js';
import type { CertificateResult, RunContext, RunResult } from './context.js';
import { commitLineage } from './helpers.js';
import { issueCertificate } from './issue.js';
import { resumePendingOrder } from './recover.js';

/** What a run is built from; the clock and the random source default to the real ones. */
export type RunDependencies = Omit<RunContext, 'now' | 'random' | 'session' | 'directory'> &
  Partial<Pick<RunContext, 'now' | 'random'>>;

/** Builds the per-run context: one ACME account and one directory read per CA. */
export function createRunContext(dependencies: RunDependencies): RunContext {
  const sessions = new Map<string, Promise<AcmeSession>>();
  const directories = new Map<
    string,
    Promise<{ renewalInfo?: string; profiles?: Record<string, string> }>
  >();
  const { settings, logger, http } = dependencies;

  const session = (directoryUrl: string): Promise<AcmeSession> => {
    let opened = sessions.get(directoryUrl);
    if (!opened) {
      if (!settings.accountKeyPem) {
        return Promise.reject(new Error(missingAccountKeyMessage(directoryUrl)));
      }
      // Reading the directory with this product's HTTP client first turns a refused or
      // hanging connection into a clear error; acme-client reports it as a TypeError.
      opened = directory(directoryUrl).then(() =>
        AcmeSession.open({
          directoryUrl,
          accountKeyPem: settings.accountKeyPem as string,
          externalAccountBinding: settings.externalAccountBinding,
          logger,
        }),
      );
      // A failure is not kept: the next certificate at this CA tries again.
      opened.catch(() => sessions.delete(directoryUrl));
      sessions.set(directoryUrl, opened);
    }
    return opened;
  };

  const directory = (directoryUrl: string) => {
    let read = directories.get(directoryUrl);
    if (!read) {
      read = readDirectory(http, directoryUrl);
      read.catch(() => directories.delete(directoryUrl));
      directories.set(directoryUrl, read);
    }
    return read;
  };

  return {
    ...dependencies,
    now: dependencies.now ?? (() => new Date()),
    random: dependencies.random ?? Math.random,
    session,
    directory,
  };
}

/**
 * Processes every certificate of the manifest (or of the shard), `concurrency` at a
 * time. A failure in one certificate is logged and reported; the others go on.
 */
export async function runCertificates(context: RunContext): Promise<RunResult> {
  // Parsing acme-client takes a few hundred milliseconds. Starting it now overlaps
  // that with reading lineages and renewal windows.
  if (context.settings.mode === 'renew' && !context.settings.dryRun)
    void loadAcmeLibrary().catch(() => undefined);

  const wanted = context.settings.onlyNames ? new Set(context.settings.onlyNames) : undefined;
  const specs = context.manifest.certificates.filter((spec) => !wanted || wanted.has(spec.name));
  const results: CertificateResult[] = new Array(specs.length);

  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < specs.length) {
      const index = next++;
      const spec = specs[index] as CertificateSpec;
      results[index] = await context.logger.group(`${spec.name}: ${spec.domains.join(', ')}`, () =>
        processCertificate(context, spec),
      );
    }
  };
  const workers = Math.max(1, Math.min(context.settings.concurrency, specs.length));
  await Promise.all(Array.from({ length: workers }, worker));

  return { results, failed: results.filter((result) => result.status.outcome === 'failed').length };
}

async function processCertificate(
  context: RunContext,
  spec: CertificateSpec,
): Promise<CertificateResult> {
  const { logger, settings } = context;
  const renewing = settings.mode === 'renew' && !settings.dryRun;
  try {
    let lineage = await context.store.read(spec.name);
    if (renewing && lineage?.pendingOrder) {
      const recovered = await resumePendingOrder(context, spec, lineage.pendingOrder);
      if (recovered?.files) return recovered;
      lineage = await context.store.read(spec.name);
    }

    const assessment = await assessCertificate(context, spec, lineage);
    logger.info(`${spec.name}: ${assessment.status.reason}`);
    if (!assessment.due || !renewing) {
      if (assessment.ariUpdate && renewing)
        await keepAriState(context, spec.name, assessment.current?.serial, assessment.ariUpdate);
      return { status: assessment.status };
    }
    return await issueCertificate(context, spec, lineage, assessment);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    logger.error(`${spec.name}: ${message}`);
    const incident = (error as { incident?: ReplacementIncident }).incident;
    if (incident && incident.action.kind !== 'none')
      incident.action = { kind: 'failed', error: message };
    return {
      status: {
        name: spec.name,
        domains: spec.domains,
        outcome: 'failed',
        reason: message,
        error: message,
      },
      incident,
    };
  }
}

/** Stores the renewalInfo result on the current certificate so the next run honours Retry-After and keeps the chosen moment. */
async function keepAriState(
  context: RunContext,
  name: string,
  serial: string | undefined,
  ari: AriState,
): Promise<void> {
  // Matched by serial: when another run recorded a newer certificate meanwhile, this
  // window belongs to the old one and must not be pinned on the new one.
  await commitLineage(
    context,
    name,
    `Update renewal information of ${name}`,
    (lineage: Lineage) => ({
      ...lineage,
      certificates: lineage.certificates.map((certificate) =>
        certificate.serial === serial ? { ...certificate, ari } : certificate,
      ),
    }),
  );
}

/** Reads the CA directory (RFC 8555 section 7.1.1) without an account; errors name the URL and the fix. */
async function readDirectory(
  http: HttpClient,
  directoryUrl: string,
): Promise<{ renewalInfo?: string; profiles?: Record<string, string> }> {
  const fix = 'Check the ca setting in the manifest and that the CA is reachable from this runner.';
  let response;
  try {
    response = await http.get(directoryUrl);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`Cannot read the ACME directory ${directoryUrl}: ${reason}. ${fix}`, {
      cause: error,
    });
  }
  if (response.status !== 200) {
    throw new Error(
      `Reading the ACME directory ${directoryUrl} returned HTTP ${response.status}. ${fix}`,
    );
  }
  let body: {
    newOrder?: unknown;
    renewalInfo?: string;
    meta?: { profiles?: Record<string, string> };
  };
  try {
    body = JSON.parse(response.body) as typeof body;
  } catch {
    throw new Error(`The ACME directory ${directoryUrl} is not JSON. ${fix}`);
  }
  if (typeof body.newOrder !== 'string') {
    throw new Error(`${directoryUrl} is not an ACME directory: it lists no newOrder. ${fix}`);
  }
  return { renewalInfo: body.renewalInfo, profiles: body.meta?.profiles };
}

function missingAccountKeyMessage(directoryUrl: string): string {
  return (
    `No ACME account key for ${directoryUrl}. Create one with ` +
    '`openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out account-key.pem`, ' +
    'store the file content as a repository secret (for example ACME_ACCOUNT_KEY) and pass it as the ' +
    'account-key input (`account-key: ${{ secrets.ACME_ACCOUNT_KEY }}`), or to the command line with --account-key FILE. ' +
    'Keep the same key across runs: replaces only works for certificates ordered by the same account.'
  );
}
