import { expect } from 'vitest';

import { createPrivateKey } from '../../src/acme/keys.js';
import { runAction, testbedActionEnv, type ActionEventName } from '../helpers/action-runner.js';
import { FakeGitHub } from '../helpers/fake-github.js';
import {
  registerGitDataRoutes,
  registerPullRequestCommentRoutes,
  type FakeGitData,
  type FakePullRequestComments,
} from '../helpers/fake-github-routes.js';
import type { Testbed } from '../helpers/testbed.js';
import type { Workspace } from '../helpers/workspace.js';

/** The fake GitHub with the Git Data API and authored pull request comments. */
export interface FakeRepository {
  github: FakeGitHub;
  git: FakeGitData;
  pullRequestComments: FakePullRequestComments;
  target: { owner: string; repo: string };
}

export async function startFakeRepository(): Promise<FakeRepository> {
  const github = await FakeGitHub.start({ token: 'ghs_fakeTokenForActionTests0123456789' });
  return {
    github,
    git: registerGitDataRoutes(github),
    pullRequestComments: registerPullRequestCommentRoutes(github),
    target: { owner: github.owner, repo: github.repo },
  };
}

/** Creates an account key for one test file, passed as the `account-key` input like a secret. */
export function createAccountKey(): Promise<string> {
  return createPrivateKey('ec-p256');
}

/** Runs the bundle against the test bed and the fake, with the inputs every test shares. */
export function runOnTestbed(options: {
  testbed: Testbed;
  fake: FakeRepository;
  workspace: Workspace;
  accountKey: string;
  event: { name: ActionEventName; payload: object };
  inputs?: Record<string, string>;
}) {
  return runAction({
    inputs: {
      'account-key': options.accountKey,
      token: options.fake.github.token,
      'ca-certificates': options.testbed.caCertPath,
      'output-directory': options.workspace.outputDirectory,
      ...options.inputs,
    },
    event: options.event,
    workspace: options.workspace.directory,
    env: testbedActionEnv(options.testbed),
    apiUrl: options.fake.github.url,
    repository: `${options.fake.target.owner}/${options.fake.target.repo}`,
  });
}

/**
 * Lists the secret strings a run must never print: each line of the account key's
 * base64 body, the TSIG secret and the token.
 */
export function secretValues(testbed: Testbed, accountKey: string, token: string): string[] {
  const keyLines = accountKey
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('-----'));
  return [...keyLines, testbed.dns.tsig.sha256.secret, token];
}

/** Checks that no secret appears in `text`, naming where it leaked on failure. */
export function expectNoSecrets(where: string, text: string, secrets: string[]): void {
  for (const secret of secrets) {
    expect(text.includes(secret), `${where} contains a secret (${secret.slice(0, 4)}…)`).toBe(
      false,
    );
  }
}

/** Joins every request body the fake received, for the secret check. */
export function requestBodies(github: FakeGitHub): string {
  return github.requests.map((request) => JSON.stringify(request.body ?? null)).join('\n');
}

/** Lists the method and path of every request, for a failure message. */
export function requestLines(github: FakeGitHub): string {
  return github.requests.map((request) => `${request.method} ${request.path}`).join('\n');
}
