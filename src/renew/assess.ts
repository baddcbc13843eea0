import { fetchRenewalInfo } from '../ari/renewal-info.js';
import { decideRenewal } from '../ari/schedule.js';
import { currentCertificate } from '../lineage/lineage.js';
import type { AriState, CertificateRecord, Lineage } from '../lineage/types.js';
import type { CertificateSpec } from '../manifest/types.js';
import type { CertificateStatus } from '../report/status.js';
import type { RunContext } from './context.js';

/** Whether a certificate is due, and the ARI state to keep for it. */
export interface Assessment {
  due: boolean;
  status: CertificateStatus;
  current?: CertificateRecord;
  /** New ARI state for the current certificate, when it changed in a way worth committing. */
  ariUpdate?: AriState;
}

/**
 * Decides whether `spec` needs a new certificate now. Reasons in order: nothing issued
 * yet, domains changed in the manifest, the recovered certificate has no private key,
 * then the ARI window and the lifetime rule (see decideRenewal).
 */
export async function assessCertificate(
  context: RunContext,
  spec: CertificateSpec,
  lineage: Lineage | undefined,
): Promise<Assessment> {
  const now = context.now();
  const current = lineage ? currentCertificate(lineage) : undefined;
  const base: CertificateStatus = {
    name: spec.name,
    domains: spec.domains,
    outcome: 'due',
    reason: '',
  };

  if (!current) {
    return { due: true, status: { ...base, reason: 'due: no certificate issued yet' } };
  }
  const known = {
    currentSerial: current.serial,
    notBefore: new Date(current.notBefore),
    notAfter: new Date(current.notAfter),
  };
  const missing = spec.domains.filter((domain) => !current.identifiers.includes(domain));
  const extra = current.identifiers.filter((domain) => !spec.domains.includes(domain));
  if (missing.length > 0 || extra.length > 0) {
    const change = [...missing.map((name) => `+${name}`), ...extra.map((name) => `-${name}`)].join(
      ' ',
    );
    return {
      due: true,
      current,
      status: { ...base, ...known, reason: `due: domains changed in the manifest (${change})` },
    };
  }
  if (current.keyLost) {
    return {
      due: true,
      current,
      status: {
        ...base,
        ...known,
        reason: `due: certificate ${current.serial} was recovered without its private key`,
      },
    };
  }
  if (current.directoryUrl !== spec.ca.directoryUrl) {
    return {
      due: true,
      current,
      status: {
        ...base,
        ...known,
        reason: `due: the manifest moved to another CA (${spec.ca.directoryUrl})`,
      },
    };
  }

  const { ari, withoutAriReason } = await checkRenewalInfo(context, spec, current, now);
  const decision = decideRenewal({
    withoutAriReason,
    storedWindow: current.ari?.suggestedWindow
      ? {
          start: new Date(current.ari.suggestedWindow.start),
          end: new Date(current.ari.suggestedWindow.end),
        }
      : undefined,
    now,
    notBefore: known.notBefore,
    notAfter: known.notAfter,
    ari:
      ari?.suggestedWindow && !ari.error
        ? {
            window: {
              start: new Date(ari.suggestedWindow.start),
              end: new Date(ari.suggestedWindow.end),
            },
            retryAfter: ari.retryAfter ? new Date(ari.retryAfter) : undefined,
          }
        : undefined,
    storedChosenTime: current.ari?.chosenRenewalTime
      ? new Date(current.ari.chosenRenewalTime)
      : undefined,
    intervalToNextRunMs: context.settings.intervalToNextRunMs,
    random: context.random,
  });

  const ariUpdate = ari
    ? {
        ...ari,
        chosenRenewalTime: decision.chosenRenewalTime?.toISOString() ?? ari.chosenRenewalTime,
      }
    : undefined;
  const status: CertificateStatus = {
    ...base,
    ...known,
    outcome: decision.due ? 'due' : 'not-due',
    reason: decision.explanation,
    renewAt: decision.renewAt,
    suggestedWindow: ari?.suggestedWindow
      ? { start: new Date(ari.suggestedWindow.start), end: new Date(ari.suggestedWindow.end) }
      : undefined,
    explanationUrl: ari?.explanationUrl,
  };
  return {
    due: decision.due,
    current,
    status,
    ariUpdate: worthCommitting(current.ari, ariUpdate, now) ? ariUpdate : undefined,
  };
}

/**
 * Asks the CA for the suggested window (RFC 9773 section 4.1), or reuses the stored
 * result while its Retry-After has not passed. Returns no state when ARI does not
 * apply. Failures are kept in the state and logged, never taken as "not due".
 */
async function checkRenewalInfo(
  context: RunContext,
  spec: CertificateSpec,
  current: CertificateRecord,
  now: Date,
): Promise<{ ari?: AriState; withoutAriReason?: string }> {
  if (!spec.ari) return { withoutAriReason: 'the manifest sets ari: false' };
  if (!current.certId) {
    const reason = `certificate ${current.serial} has no Authority Key Identifier, so it has no certID`;
    context.logger.info(`${spec.name}: ${reason}; using the lifetime rule instead of ARI`);
    return { withoutAriReason: reason };
  }
  const stored = current.ari;
  const honourRetryAfter = !context.settings.refreshAri;
  if (
    honourRetryAfter &&
    stored?.suggestedWindow &&
    stored.retryAfter &&
    new Date(stored.retryAfter) > now &&
    !stored.error
  ) {
    return { ari: stored };
  }
  if (honourRetryAfter && stored?.error && stored.retryAfter && new Date(stored.retryAfter) > now) {
    context.logger.info(
      `${spec.name}: renewalInfo failed before (${stored.error.message}); next attempt after ${stored.retryAfter}`,
    );
    return stored.suggestedWindow
      ? { ari: stored }
      : { withoutAriReason: `renewalInfo failed: ${stored.error.message}` };
  }

  const directory = await context.directory(spec.ca.directoryUrl);
  if (!directory.renewalInfo) {
    const reason = 'the CA directory has no renewalInfo, so the CA has no ARI';
    context.logger.info(`${spec.name}: ${reason}; using the lifetime rule`);
    return { withoutAriReason: reason };
  }

  const failedAttempts = stored?.error?.attempts ?? 0;
  const answer = await fetchRenewalInfo(context.http, directory.renewalInfo, current.certId, now, {
    failedAttempts,
  });
  if (!answer.ok) {
    context.logger.warning(
      `${spec.name}: renewalInfo for ${current.certId} failed: ${answer.message}; ` +
        `using the lifetime rule until the next attempt after ${answer.nextAttemptAt.toISOString()}`,
    );
    const failed: AriState = {
      ...(stored ?? {}),
      checkedAt: now.toISOString(),
      retryAfter: answer.nextAttemptAt.toISOString(),
      error: {
        message: answer.message,
        at: now.toISOString(),
        lasting: answer.lasting,
        attempts: failedAttempts + 1,
      },
    };
    // The failure is kept for the backoff, but its stale window does not decide anything.
    return { ari: failed, withoutAriReason: `renewalInfo failed: ${answer.message}` };
  }

  const window = {
    start: answer.suggestedWindow.start.toISOString(),
    end: answer.suggestedWindow.end.toISOString(),
  };
  const sameWindow =
    stored?.suggestedWindow?.start === window.start && stored.suggestedWindow.end === window.end;
  return {
    ari: {
      checkedAt: now.toISOString(),
      suggestedWindow: window,
      explanationUrl: answer.explanationUrl,
      retryAfter: answer.retryAfter.toISOString(),
      // A new window discards the moment chosen inside the old one (RFC 9773 section 4.2).
      chosenRenewalTime: sameWindow ? stored?.chosenRenewalTime : undefined,
    },
  };
}

/**
 * Commits ARI state when the window, the chosen moment or the failure count changed,
 * or when the stored Retry-After has passed and a new one was received. That is at
 * most one commit per Retry-After period, so later runs honour it and the backoff grows.
 */
function worthCommitting(
  previous: AriState | undefined,
  next: AriState | undefined,
  now: Date,
): boolean {
  if (!next) return false;
  if (!previous) return true;
  const retryAfterPassed =
    previous.retryAfter === undefined || new Date(previous.retryAfter) <= now;
  return (
    previous.suggestedWindow?.start !== next.suggestedWindow?.start ||
    previous.suggestedWindow?.end !== next.suggestedWindow?.end ||
    previous.chosenRenewalTime !== next.chosenRenewalTime ||
    previous.error?.attempts !== next.error?.attempts ||
    (retryAfterPassed && previous.retryAfter !== next.retryAfter)
  );
}
