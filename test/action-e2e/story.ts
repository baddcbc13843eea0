import { identifiersFor, placeOrder } from '../../src/acme/order.js';
import { AcmeSession, configureAcmeHttp } from '../../src/acme/session.js';
import { presentChallenges } from '../../src/dns/challenge.js';
import { createDnsProvider } from '../../src/dns/registry.js';
import { createMemoryLogger } from '../../src/log.js';
import { completeOrder } from '../../src/renew/complete-order.js';
import { schedulePayload, type ActionResult } from '../helpers/action-runner.js';
import { testbedHttpsAgent, type Testbed } from '../helpers/testbed.js';
import { testbedEnv, type Workspace } from '../helpers/workspace.js';
import { runOnTestbed, type FakeRepository } from './setup.js';

/**
 * Steps of the incident story shared by its test files: scheduled runs with the
 * `git` state backend in the workspace, and another ACME client that orders a
 * replacement behind the action's back.
 */

export interface StoryRun {
  testbed: Testbed;
  fake: FakeRepository;
  workspace: Workspace;
  accountKey: string;
}

/** Runs the action on a schedule event, keeping the state branch in the workspace repository. */
export function scheduledRun(
  story: StoryRun,
  inputs: Record<string, string> = {},
): Promise<ActionResult> {
  return runOnTestbed({
    ...story,
    event: { name: 'schedule', payload: schedulePayload(story.fake.target) },
    inputs: { 'state-backend': 'git', ...inputs },
  });
}

/** Joins the run's output, without debug lines, for an assertion message. */
export function logOf(run: ActionResult): string {
  return `${run.stdout.filter((line) => !line.startsWith('::debug::')).join('\n')}\n${run.stderr}`;
}

/**
 * Orders a replacement of `certId` with the same account key as another client would,
 * through `directoryUrl`. With `finalize`, the order is completed and a certificate
 * issued. Without it, the order is left pending, which blocks further replacements
 * on Boulder but not on Pebble.
 */
export async function replaceWithAnotherClient(
  story: StoryRun,
  options: { directoryUrl: string; domains: string[]; certId: string; finalize: boolean },
): Promise<string> {
  configureAcmeHttp({ userAgent: 'another-client', agent: testbedHttpsAgent(story.testbed) });
  const logger = createMemoryLogger();
  const session = await AcmeSession.open({
    directoryUrl: options.directoryUrl,
    accountKeyPem: story.accountKey,
    logger,
  });
  const order = await placeOrder(session, {
    identifiers: identifiersFor(options.domains),
    profile: 'shortlived',
    replaces: options.certId,
  });
  if (!options.finalize) return order.url;

  const nameservers = [story.testbed.dns.server];
  const provider = createDnsProvider(
    { provider: 'rfc2136', nameservers, options: {} },
    testbedEnv(story.testbed),
  );
  const spec = { domains: options.domains, keyType: 'ec-p256' } as never;
  await completeOrder(
    session,
    order,
    spec,
    (records) => presentChallenges(records, provider, { logger, nameservers }),
    logger,
    60_000,
  );
  return order.url;
}

/** Returns the fake's issues labelled `acme-lineage`. */
export function incidentIssues(fake: FakeRepository) {
  return fake.github.issues.filter((issue) => issue.labels.includes('acme-lineage'));
}
