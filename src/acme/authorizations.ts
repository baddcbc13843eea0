import type { ChallengeRecord } from '../dns/provider.js';
import type { Logger } from '../log.js';
import type { AcmeOrder, PollOptions } from './order.js';
import { pollStatus } from './order.js';
import { AcmeProblemError, type ProblemDocument } from './problem.js';
import type { AcmeSession } from './session.js';

/** Authorization object (RFC 8555 section 7.1.4) with its URL. */
export interface AcmeAuthorization {
  url: string;
  status: 'pending' | 'valid' | 'invalid' | 'deactivated' | 'expired' | 'revoked';
  identifier: { type: string; value: string };
  wildcard?: boolean;
  challenges: Array<{
    type: string;
    url: string;
    token: string;
    status: string;
    error?: ProblemDocument;
  }>;
}

/**
 * Puts every TXT record in place and resolves once they are visible at the zone's
 * authoritative servers; the returned function removes exactly those records.
 */
export type ChallengeSolver = (records: ChallengeRecord[]) => Promise<() => Promise<void>>;

/**
 * Wait before the first authorization poll. A CA that validates within it is seen at
 * once; otherwise the CA's Retry-After sets the next wait.
 */
const FIRST_POLL_DELAY_MS = 100;

interface PendingChallenge {
  authorization: AcmeAuthorization;
  challengeUrl: string;
  record: ChallengeRecord;
}

/**
 * Satisfies every authorization of an order with DNS-01 (RFC 8555 section 8.4).
 * Authorizations that are already valid are skipped. Records are cleaned up
 * in every case, also when validation fails.
 */
export async function authorizeOrder(
  session: AcmeSession,
  order: AcmeOrder,
  solve: ChallengeSolver,
  logger: Logger,
  poll: PollOptions,
): Promise<void> {
  const authorizations = await Promise.all(
    order.authorizations.map((url) => fetchAuthorization(session, url)),
  );
  const pending: PendingChallenge[] = [];

  for (const authorization of authorizations) {
    const label = describeIdentifier(authorization);
    if (authorization.status === 'valid') {
      logger.info(`authorization for ${label} is already valid; reusing it`);
      continue;
    }
    if (authorization.status !== 'pending') {
      throw new Error(
        `Authorization for ${label} is ${authorization.status} at ${authorization.url}; place a new order`,
      );
    }
    pending.push(await dnsChallengeFor(session, authorization));
  }
  if (pending.length === 0) return;

  const cleanUp = await solve(pending.map((item) => item.record));
  try {
    for (const item of pending) {
      await session.post(
        `responding to the challenge for ${describeIdentifier(item.authorization)}`,
        item.challengeUrl,
        {},
      );
    }
    const afterResponse = { ...poll, firstDelayMs: FIRST_POLL_DELAY_MS };
    await Promise.all(
      pending.map((item) => waitForAuthorization(session, item.authorization, afterResponse)),
    );
  } finally {
    await cleanUp();
  }
}

async function dnsChallengeFor(
  session: AcmeSession,
  authorization: AcmeAuthorization,
): Promise<PendingChallenge> {
  const label = describeIdentifier(authorization);
  const challenge = authorization.challenges.find((candidate) => candidate.type === 'dns-01');
  if (!challenge) {
    const offered =
      authorization.challenges.map((candidate) => candidate.type).join(', ') || 'none';
    throw new Error(
      `The CA offers no dns-01 challenge for ${label} (offered: ${offered}). ` +
        'acme-lineage validates with DNS-01 only; IP address identifiers need http-01 or tls-alpn-01.',
    );
  }

  // RFC 8555 section 8.4: the TXT value is base64url(SHA-256(key authorization)).
  const value = await session.client.getChallengeKeyAuthorization(challenge as never);
  return {
    authorization,
    challengeUrl: challenge.url,
    record: { name: `_acme-challenge.${authorization.identifier.value}`, value },
  };
}

async function fetchAuthorization(session: AcmeSession, url: string): Promise<AcmeAuthorization> {
  const response = await session.post('fetching authorization', url, null);
  return { ...(response.data as Omit<AcmeAuthorization, 'url'>), url };
}

async function waitForAuthorization(
  session: AcmeSession,
  authorization: AcmeAuthorization,
  poll: PollOptions,
): Promise<void> {
  const label = describeIdentifier(authorization);
  const final = await pollStatus(
    async () => {
      const response = await session.post('fetching authorization', authorization.url, null);
      return {
        value: { ...(response.data as Omit<AcmeAuthorization, 'url'>), url: authorization.url },
        retryAfter: response.headers['retry-after'],
      };
    },
    (current) => current.status !== 'pending',
    (current) => `authorization for ${label} is still ${current.status}`,
    poll,
  );
  if (final.status === 'valid') return;

  const failed = final.challenges.find((challenge) => challenge.error);
  throw new AcmeProblemError(
    `DNS-01 validation of ${label}`,
    authorization.url,
    failed?.error ?? { status: 0, detail: `the authorization became ${final.status}` },
  );
}

function describeIdentifier(authorization: AcmeAuthorization): string {
  return authorization.wildcard
    ? `*.${authorization.identifier.value}`
    : authorization.identifier.value;
}
