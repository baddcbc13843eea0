/** Outcome of one certificate in one run, shared by the log, the job summary and the plan comment. */
export type CertificateOutcome =
  | 'issued' // first certificate of a lineage
  | 'renewed'
  | 'not-due'
  | 'due' // plan and check modes: the next renew run will order
  | 'failed';

/** One row of the per-certificate table that the job summary and the plan comment show. */
export interface CertificateStatus {
  name: string;
  domains: string[];
  outcome: CertificateOutcome;
  /** Serial (lower-case hex) of the certificate in force before this run, if any. */
  currentSerial?: string;
  notBefore?: Date;
  notAfter?: Date;
  suggestedWindow?: { start: Date; end: Date };
  explanationUrl?: string;
  /** Moment the certificate is (or was) due for renewal. */
  renewAt?: Date;
  /** One sentence: why this outcome, as logged. */
  reason: string;
  /** Action of the next scheduled run, for plan mode. */
  nextAction?: string;
  newSerial?: string;
  /** `replaces` certID sent, when the new order carried one. */
  replaces?: string | null;
  error?: string;
}
