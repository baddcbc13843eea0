export {
  CertIdError,
  certificateIdentity,
  encodeCertId,
  parseCertId,
  type CertificateIdentity,
  type ParsedCertId,
} from './certid.js';
export {
  backoffDelayMs,
  fetchRenewalInfo,
  parseRfc3339,
  retryAfterTime,
  type FetchRenewalInfoOptions,
  type RenewalInfoAnswer,
  type RenewalInfoFailure,
  type RenewalInfoResult,
  type RenewalWindow,
} from './renewal-info.js';
export {
  decideRenewal,
  emergencyRemainingMs,
  formatTime,
  lifetimeRemainingFraction,
  type RenewalDecision,
  type RenewalDecisionInput,
  type RenewalReason,
} from './schedule.js';
