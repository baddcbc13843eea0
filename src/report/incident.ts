import type { RefusalKind } from '../acme/refusal.js';
import { lineageFilePath } from '../lineage/layout.js';
import type { AlreadyReplacedPolicy } from '../manifest/types.js';

/** Label that every incident issue carries, so the action can find its own issues. */
export const INCIDENT_LABEL = 'acme-lineage';

/** Branch the action keeps lineages on unless the workflow sets `state-branch`. */
export const DEFAULT_STATE_BRANCH = 'acme-lineage';

/** Action a run took after the CA rejected `replaces`. */
export type IncidentActionKind =
  | 'recovered-journaled-order' // fetched the certificate of the order the lineage had journaled
  | 'ordered-without-replaces'
  | 'none' // the manifest policy is `fail`, so the run placed no other order
  | 'failed'; // the fallback order failed too

/** A commit on the state branch, as `git log` shows it. */
export interface StateCommit {
  sha: string;
  url?: string;
  subject: string;
}

/** One rejection of `replaces` by the CA, with what the lineage knew and what the run did. */
export interface ReplacementIncident {
  /** Certificate name from the manifest. */
  certificate: string;
  cause: RefusalKind;
  /** Problem document of the rejected newOrder. */
  problem: { status: number; type?: string; detail?: string };
  at: Date;
  lineage: {
    /** Serial of the current certificate, lower-case hex. */
    serial: string;
    certId: string;
    /** Commit on the state branch where the record of the replacement went missing, when found. */
    lostInCommit?: StateCommit;
  };
  action: {
    kind: IncidentActionKind;
    newSerial?: string;
    orderUrl?: string;
    error?: string;
    /**
     * Order placed after a recovered certificate turned out to have lost its key: it
     * replaces the recovered certificate, so the chain of `replaces` stays unbroken.
     */
    followUp?: { serial?: string; orderUrl: string; replaces: string | null };
  };
  links: { runUrl?: string; stateCommitUrl?: string };
  policy: AlreadyReplacedPolicy;
  /**
   * Branch and path of the lineage file, for the git commands in the issue. When absent the
   * commands use the `acme-lineage` branch and `<certificate>/lineage.json`.
   */
  state?: { branch: string; path: string };
}

const MARKER_PATTERN = /<!-- acme-lineage:incident certificate=(\S+) cause=(\S+) -->/;

/** Hidden HTML comment that identifies the issue of one certificate and cause. */
export function incidentMarker(certificate: string, cause: RefusalKind): string {
  return `<!-- acme-lineage:incident certificate=${certificate} cause=${cause} -->`;
}

/** Reads the marker back from an issue body, or returns undefined when there is none. */
export function parseIncidentMarker(
  body: string | null | undefined,
): { certificate: string; cause: string } | undefined {
  const match = MARKER_PATTERN.exec(body ?? '');
  if (!match?.[1] || !match[2]) return undefined;
  return { certificate: match[1], cause: match[2] };
}

/** Branch and file of the lineage, with the defaults the git commands fall back to. */
export function stateLocation(incident: ReplacementIncident): { branch: string; path: string } {
  return (
    incident.state ?? { branch: DEFAULT_STATE_BRANCH, path: lineageFilePath(incident.certificate) }
  );
}
