/** Version of the lineage file format; bump it and migrate on read when the shape changes. */
export const LINEAGE_SCHEMA_VERSION = 1;

/** A renewal window as the CA suggested it (RFC 9773 section 4.2), RFC 3339 timestamps. */
export interface SuggestedWindow {
  start: string;
  end: string;
}

/** Result of the last renewalInfo request for a certificate. */
export interface AriState {
  checkedAt: string;
  suggestedWindow?: SuggestedWindow;
  explanationUrl?: string;
  /** When to ask again, from Retry-After after clamping, RFC 3339. */
  retryAfter?: string;
  /** Moment picked at random inside the window; kept until the window changes. */
  chosenRenewalTime?: string;
  /** Last failure, kept so the next run can back off instead of asking again at once. */
  error?: { message: string; at: string; lasting: boolean; attempts: number };
}

/** Record of the replacement of a certificate. */
export interface ReplacedBy {
  at: string;
  /** Serial of the replacing certificate, when this lineage has it. */
  serial?: string;
  orderUrl?: string;
  /** True when the CA reported a replacement order that this lineage never recorded. */
  unknownOrder?: boolean;
}

/** One issued certificate in a lineage. */
export interface CertificateRecord {
  /** Serial as lower-case hex of the DER INTEGER content, sign byte included. */
  serial: string;
  /** RFC 9773 certID, or null when the certificate has no Authority Key Identifier. */
  certId: string | null;
  /** Authority Key Identifier keyIdentifier as lower-case hex, or null when absent. */
  authorityKeyId: string | null;
  identifiers: string[];
  notBefore: string;
  notAfter: string;
  issuer: string;
  directoryUrl: string;
  accountUrl: string;
  orderUrl: string;
  profile?: string;
  /** certID sent as `replaces` in the order that produced this certificate, or null. */
  replaces: string | null;
  replacedBy?: ReplacedBy;
  revoked?: boolean;
  issuedAt: string;
  /** Path of the PEM chain on the state branch, relative to the certificate's folder. */
  chainFile: string;
  /** True when the certificate was recovered from an order whose private key was lost. */
  keyLost?: boolean;
  ari?: AriState;
}

/**
 * Write-ahead record of an order in flight. It is committed before finalization so a run
 * that dies afterwards leaves the order URL for the next run to recover.
 */
export interface PendingOrder {
  orderUrl: string;
  directoryUrl: string;
  accountUrl: string;
  identifiers: string[];
  profile?: string;
  /** certID sent as `replaces`, or null when the order was placed without it. */
  replaces: string | null;
  startedAt: string;
}

/** A `replaces` target that must not be sent again, with the reason the CA gave. */
export interface ReplacesBlock {
  certId: string;
  reason: 'already-replaced' | 'account-changed' | 'ca-changed' | 'no-ari';
  at: string;
  detail?: string;
}

/** Everything the state branch records about one certificate name. */
export interface Lineage {
  schemaVersion: typeof LINEAGE_SCHEMA_VERSION;
  name: string;
  /** Issued certificates, oldest first; the last one is the current certificate. */
  certificates: CertificateRecord[];
  pendingOrder?: PendingOrder;
  replacesBlocks?: ReplacesBlock[];
}
