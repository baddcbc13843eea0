import * as core from '@actions/core';

import type { GitHubClient } from '../github/client.js';
import { PLAN_COMMENT_MARKER as PLAN_MARKER, upsertPlanComment } from '../github/comment.js';
import { reportIncident, resolveIncidents } from '../github/incident-issue.js';
import { PermissionError } from '../github/permissions.js';
import type { Logger } from '../log.js';
import { formatProblems, type ManifestError } from '../manifest/problems.js';
import { renderIncidentIssue } from '../report/incident-text.js';
import { renderJobSummary, renderPlanComment } from '../report/summary.js';
import type { RunResult } from '../renew/context.js';
import { workflowRunUrl } from './event.js';
import type { ActionSettings } from './settings.js';

interface PublishContext {
  octokit?: GitHubClient;
  pullRequestNumber?: number;
  logger: Logger;
  env: NodeJS.ProcessEnv;
}

/** Sets the step outputs, writes the job summary, reports incidents and the plan comment. */
export async function publishResults(
  result: RunResult,
  settings: ActionSettings,
  context: PublishContext,
): Promise<void> {
  const rows = result.results.map((item) => item.status);
  const renewed = result.results
    .filter((item) => item.files)
    .map((item) => ({
      name: item.status.name,
      serial: item.status.newSerial,
      'certificate-path': item.files?.certificate,
      'fullchain-path': item.files?.fullchain,
      'chain-path': item.files?.chain,
      'key-path': item.files?.privateKey,
      'not-after': item.status.notAfter?.toISOString(),
    }));
  core.setOutput('renewed', JSON.stringify(renewed));
  core.setOutput('renewed-count', String(renewed.length));
  core.setOutput('certificate-directory', settings.outputDirectory);

  const summary = [renderJobSummary(rows, settings.mode, settings.language, new Date())];
  const issueUrls = await reportIncidents(result, settings, context, summary);
  if (issueUrls.length > 0) core.setOutput('issue-url', issueUrls[0]);
  await resolveCleanRenewals(result, settings, context);

  if (settings.mode === 'plan' && context.pullRequestNumber !== undefined) {
    const body = renderPlanComment(rows, {
      language: settings.language,
      now: new Date(),
      marker: PLAN_MARKER,
    });
    await commentOnPullRequest(body, settings, context);
  }
  await writeSummary(summary.join('\n\n'));
}

/** Puts manifest errors in the job summary and, on pull requests, in the plan comment. */
export async function publishManifestErrors(
  error: ManifestError,
  settings: ActionSettings,
  octokit: GitHubClient | undefined,
  pullRequestNumber: number | undefined,
  logger: Logger,
): Promise<void> {
  const messages = error.problems.map(
    (problem) => `${problem.file}:${problem.line}:${problem.column}: ${problem.message}`,
  );
  await writeSummary(`## acme-lineage\n\n\`\`\`\n${formatProblems(error.problems)}\n\`\`\`\n`);
  if (settings.mode !== 'plan' || pullRequestNumber === undefined) return;
  const body = renderPlanComment([], {
    manifestErrors: messages,
    language: settings.language,
    now: new Date(),
    marker: PLAN_MARKER,
  });
  await commentOnPullRequest(body, settings, {
    octokit,
    pullRequestNumber,
    logger,
    env: process.env,
  });
}

async function reportIncidents(
  result: RunResult,
  settings: ActionSettings,
  context: PublishContext,
  summary: string[],
): Promise<string[]> {
  const urls: string[] = [];
  for (const item of result.results) {
    const incident = item.incident;
    if (!incident) continue;
    incident.links.runUrl = workflowRunUrl(context.env);
    incident.state = { branch: settings.stateBranch, path: `${incident.certificate}/lineage.json` };
    const text = renderIncidentIssue(incident, settings.language);

    if (!context.octokit || !settings.repository || settings.dryRun) {
      summary.push(`### ${text.title}\n\n${text.body}`);
      continue;
    }
    try {
      const report = await reportIncident(
        context.octokit,
        settings.repository,
        incident,
        settings.language,
        context.logger,
      );
      urls.push(report.url);
    } catch (error) {
      // One failed GitHub request must not hide the other incidents or the summary.
      const reason = error instanceof Error ? error.message : String(error);
      const advice = error instanceof PermissionError ? '' : ' Reporting the issue failed:';
      core.warning(`${advice} ${reason} The explanation is in the job summary instead.`.trim());
      summary.push(`### ${text.title}\n\n${text.body}`);
    }
  }
  return urls;
}

async function resolveCleanRenewals(
  result: RunResult,
  settings: ActionSettings,
  context: PublishContext,
): Promise<void> {
  if (!context.octokit || !settings.repository || settings.dryRun) return;
  for (const item of result.results) {
    if (!item.renewedCleanly) continue;
    try {
      await resolveIncidents(
        context.octokit,
        settings.repository,
        item.status.name,
        settings.language,
        {
          newSerial: item.status.newSerial,
          runUrl: workflowRunUrl(context.env),
          logger: context.logger,
        },
      );
    } catch (error) {
      core.warning(
        `Could not close the incident issues of ${item.status.name}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
}

async function commentOnPullRequest(
  body: string,
  settings: ActionSettings,
  context: PublishContext,
): Promise<void> {
  if (!context.octokit || !settings.repository || context.pullRequestNumber === undefined) {
    core.info('No token or pull request: the plan is in the job summary only.');
    return;
  }
  try {
    await upsertPlanComment(
      context.octokit,
      { ...settings.repository, issueNumber: context.pullRequestNumber },
      body,
      PLAN_MARKER,
      context.logger,
    );
  } catch (error) {
    if (!(error instanceof PermissionError)) throw error;
    core.warning(`${error.message} The plan is in the job summary only.`);
  }
}

async function writeSummary(markdown: string): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return;
  await core.summary.addRaw(markdown, true).write();
}
