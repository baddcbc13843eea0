import type { HttpClient } from '../http.js';
import type { LineageStore } from '../lineage/store.js';
import type { Logger } from '../log.js';
import type { Manifest } from '../manifest/types.js';
import type { ReplacementIncident } from '../report/incident.js';
import type { CertificateStatus } from '../report/status.js';
import type { AcmeSession, ExternalAccountBinding } from '../acme/session.js';

/** Run mode: order due certificates, or only report what would happen. */
export type RunMode = 'renew' | 'plan' | 'check';

/** Settings of one run, independent of where it runs (action or command line). */
export interface RunSettings {
  mode: RunMode;
  /** Account key PEM; required in renew mode. */
  accountKeyPem?: string;
  externalAccountBinding?: ExternalAccountBinding;
  /** Folder the certificates and keys are written to. */
  outputDirectory: string;
  /** Time until the next scheduled run, in milliseconds: a renewal that would fall after it happens now. */
  intervalToNextRunMs: number;
  /** Certificates processed at the same time. */
  concurrency: number;
  /** Decide and log, but order nothing and commit nothing. */
  dryRun: boolean;
  /** Maximum wait for one order or authorization to change status, in milliseconds. */
  orderTimeoutMs: number;
  /**
   * Ask renewalInfo again even when the stored Retry-After has not passed, for runs an
   * operator starts by hand after a CA announced revocations. Scheduled runs leave it off.
   */
  refreshAri?: boolean;
  /** Certificate names to process; undefined processes all (sharding). */
  onlyNames?: string[];
}

/** Everything the per-certificate steps need, built once per run. */
export interface RunContext {
  manifest: Manifest;
  settings: RunSettings;
  store: LineageStore;
  http: HttpClient;
  logger: Logger;
  env: NodeJS.ProcessEnv;
  now: () => Date;
  random: () => number;
  /** Opens (once per CA directory) the ACME account. */
  session(directoryUrl: string): Promise<AcmeSession>;
  /** Reads the CA directory without an account, for plan and check modes. */
  directory(
    directoryUrl: string,
  ): Promise<{ renewalInfo?: string; profiles?: Record<string, string> }>;
}

/** Files written for one issued certificate. */
export interface IssuedFiles {
  directory: string;
  certificate: string;
  chain: string;
  fullchain: string;
  privateKey: string;
}

/** Result of one certificate in a run. */
export interface CertificateResult {
  status: CertificateStatus;
  files?: IssuedFiles;
  incident?: ReplacementIncident;
  /** Commit of the last lineage change this run made for the certificate. */
  commit?: { sha: string; url?: string };
  /** True when the certificate renewed without any refusal of `replaces`. */
  renewedCleanly?: boolean;
}

export interface RunResult {
  results: CertificateResult[];
  failed: number;
}
