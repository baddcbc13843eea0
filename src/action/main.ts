import path from 'node:path';
import * as core from '@actions/core';

import { configureAcmeHttp } from '../acme/session.js';
import type { GitHubClient } from '../github/client.js';
import { createHttpClient } from '../http.js';
import { createGitLineageStore } from '../lineage/git-store.js';
import type { LineageStore } from '../lineage/store.js';
import type { Logger } from '../log.js';
import { loadManifest } from '../manifest/load.js';
import { ManifestError, problemsAsAnnotations } from '../manifest/problems.js';
import type { Manifest } from '../manifest/types.js';
import { createRunContext, runCertificates } from '../renew/run.js';
import { userAgent } from '../version.js';
import { readWorkflowEvent } from './event.js';
import { createActionsLogger } from './logger.js';
import { type ActionSettings, describeSettings, readSettings } from './settings.js';
import { selectShard } from './shard.js';

/**
 * Entry of the action: reads the inputs, runs the certificates and publishes outputs,
 * the job summary, incident issues and the pull request comment. Any failure, of any
 * type, ends in core.setFailed.
 */
export async function run(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  try {
    const settings = readSettings((name) => core.getInput(name), env);
    for (const secret of settings.secrets) core.setSecret(secret);
    for (const line of describeSettings(settings)) core.debug(line);

    const logger = createActionsLogger({ concurrentGroups: settings.concurrency > 1 });
    const octokit = settings.token
      ? await openGitHub(settings.token, settings.apiUrl, logger)
      : undefined;
    const event = readWorkflowEvent(env);

    const manifestPath = path.resolve(env.GITHUB_WORKSPACE ?? process.cwd(), settings.manifestPath);
    const manifest = await core.group('Reading the manifest', () =>
      readManifest(manifestPath, settings, octokit, event.pullRequestNumber, logger),
    );
    if (!manifest) return;

    const code = await renewAll(manifest, settings, env, logger, octokit, event.pullRequestNumber);
    if (code !== 0)
      core.setFailed(
        code === 1
          ? 'One or more certificates failed; see the log above.'
          : 'One or more certificates are due.',
      );
  } catch (error) {
    core.setFailed(error instanceof Error ? error.message : String(error));
  }
}

async function readManifest(
  manifestPath: string,
  settings: ActionSettings,
  octokit: GitHubClient | undefined,
  pullRequestNumber: number | undefined,
  logger: Logger,
): Promise<Manifest | undefined> {
  try {
    return await loadManifest(manifestPath);
  } catch (error) {
    if (!(error instanceof ManifestError)) throw error;
    const workspace = process.env.GITHUB_WORKSPACE ?? process.cwd();
    for (const annotation of problemsAsAnnotations(error.problems)) {
      core.error(annotation.message, {
        file: path.relative(workspace, annotation.file) || annotation.file,
        startLine: annotation.startLine,
        startColumn: annotation.startColumn,
        title: annotation.title,
      });
    }
    const { publishManifestErrors } = await import('./publish.js');
    await publishManifestErrors(error, settings, octokit, pullRequestNumber, logger);
    core.setFailed(
      `The manifest ${settings.manifestPath} is invalid: ${error.problems.length} problem(s), listed above.`,
    );
    return undefined;
  }
}

async function renewAll(
  manifest: Manifest,
  settings: ActionSettings,
  env: NodeJS.ProcessEnv,
  logger: Logger,
  octokit: GitHubClient | undefined,
  pullRequestNumber: number | undefined,
): Promise<number> {
  const http = createHttpClient({
    userAgent: userAgent(),
    caCertificates: settings.caCertificates,
  });
  configureAcmeHttp({ userAgent: userAgent(), agent: http.agent });
  const store = await createStore(settings, octokit, logger);
  core.info(`lineage: ${store.description}`);

  const names = manifest.certificates.map((spec) => spec.name);
  const onlyNames = settings.shard ? selectShard(names, settings.shard) : undefined;
  if (settings.shard)
    core.info(
      `shard ${settings.shard.index}/${settings.shard.count}: ${onlyNames?.join(', ') || 'no certificates'}`,
    );

  const context = createRunContext({
    manifest,
    store,
    http,
    logger,
    env,
    settings: {
      mode: settings.mode,
      accountKeyPem: settings.accountKey,
      externalAccountBinding: settings.externalAccountBinding,
      outputDirectory: settings.outputDirectory,
      intervalToNextRunMs: settings.runIntervalMs,
      concurrency: settings.concurrency,
      dryRun: settings.dryRun,
      refreshAri: settings.refreshAri,
      orderTimeoutMs: 10 * 60_000,
      onlyNames,
    },
  });
  const result = await runCertificates(context);
  http.close();

  const { publishResults } = await import('./publish.js');
  await publishResults(result, settings, { octokit, pullRequestNumber, logger, env });
  if (result.failed > 0) return 1;
  if (settings.mode === 'check' && result.results.some((item) => item.status.outcome === 'due'))
    return 2;
  return 0;
}

/** Loads Octokit only when a token is set, because it is a large part of the bundle. */
async function openGitHub(
  token: string,
  baseUrl: string | undefined,
  logger: Logger,
): Promise<GitHubClient> {
  const { createOctokit } = await import('../github/client.js');
  return createOctokit({ token, baseUrl, logger });
}

async function createStore(
  settings: ActionSettings,
  octokit: GitHubClient | undefined,
  logger: Logger,
): Promise<LineageStore> {
  if (settings.stateBackend === 'github') {
    if (!octokit || !settings.repository) {
      throw new Error(
        'The github state backend needs the token input and GITHUB_REPOSITORY. Set state-backend: git to keep the state in a local repository.',
      );
    }
    const { createGitHubLineageStore } = await import('../github/git-data-store.js');
    return createGitHubLineageStore({
      octokit,
      ...settings.repository,
      branch: settings.stateBranch,
      logger,
    });
  }
  return createGitLineageStore({
    repository: settings.stateRepositoryPath ?? process.cwd(),
    branch: settings.stateBranch,
    logger,
  });
}
