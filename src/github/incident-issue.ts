import type { Logger } from '../log.js';
import type { Language } from '../report/i18n.js';
import {
  INCIDENT_LABEL,
  incidentMarker,
  parseIncidentMarker,
  type ReplacementIncident,
} from '../report/incident.js';
import {
  renderIncidentIssue,
  renderRecurrenceComment,
  renderResolvedComment,
} from '../report/incident-text.js';
import type { GitHubClient } from './client.js';
import { toPermissionError, type GitHubArea } from './permissions.js';

export interface Repository {
  owner: string;
  repo: string;
}

/** Outcome of reporting one incident. */
export interface IncidentReport {
  /** Web address of the incident issue. */
  url: string;
  created: boolean;
  commented: boolean;
}

interface IssueSummary {
  number: number;
  state: string;
  body?: string | null;
  html_url: string;
  pull_request?: unknown;
}

const LABEL_COLOR = 'b60205';
const LABEL_DESCRIPTION = 'Certificate renewal incidents reported by acme-lineage';

/**
 * Reports a rejection of `replaces` in one issue per certificate and cause. The issue
 * is found by the `acme-lineage` label and its hidden marker, through every page of
 * issues, open or closed. A found issue gets a comment (and is reopened when closed);
 * otherwise a new issue is created, with the label when the repository lacks it.
 * Raises PermissionError when the token lacks `issues: write`.
 */
export async function reportIncident(
  octokit: GitHubClient,
  repository: Repository,
  incident: ReplacementIncident,
  language: Language,
  logger: Logger,
): Promise<IncidentReport> {
  const where = `${repository.owner}/${repository.repo}`;
  const marker = incidentMarker(incident.certificate, incident.cause);

  const issues = await withPermissionCheck('Listing the incident issues', where, 'issues', () =>
    listLabelledIssues(octokit, repository, 'all'),
  );
  const matching = issues.filter((issue) => issue.body?.includes(marker));
  const existing = matching.find((issue) => issue.state === 'open') ?? matching[0];

  if (existing) {
    await commentOnIssue(octokit, repository, existing, incident, language, logger);
    return { url: existing.html_url, created: false, commented: true };
  }

  await ensureLabel(octokit, repository, logger);
  const text = renderIncidentIssue(incident, language);
  const created = await withPermissionCheck('Creating the incident issue', where, 'issues', () =>
    octokit.rest.issues.create({
      ...repository,
      title: text.title,
      body: text.body,
      labels: [INCIDENT_LABEL],
    }),
  );
  logger.info(
    `Opened issue #${created.data.number} for certificate ${incident.certificate}: ${created.data.html_url}`,
  );
  return { url: created.data.html_url, created: true, commented: false };
}

/**
 * Closes the open incident issues of `certificate`, whatever their cause, each with a
 * comment saying it renewed cleanly. Returns the addresses of the closed issues.
 */
export async function resolveIncidents(
  octokit: GitHubClient,
  repository: Repository,
  certificate: string,
  language: Language,
  options: { at?: Date; newSerial?: string; runUrl?: string; logger?: Logger } = {},
): Promise<string[]> {
  const where = `${repository.owner}/${repository.repo}`;
  const issues = await withPermissionCheck('Listing the incident issues', where, 'issues', () =>
    listLabelledIssues(octokit, repository, 'open'),
  );
  const ofCertificate = issues.filter(
    (issue) => parseIncidentMarker(issue.body)?.certificate === certificate,
  );

  const body = renderResolvedComment(certificate, language, {
    at: options.at ?? new Date(),
    newSerial: options.newSerial,
    runUrl: options.runUrl,
  });
  const closed: string[] = [];
  for (const issue of ofCertificate) {
    await withPermissionCheck('Closing the incident issue', where, 'issues', async () => {
      await octokit.rest.issues.createComment({ ...repository, issue_number: issue.number, body });
      await octokit.rest.issues.update({
        ...repository,
        issue_number: issue.number,
        state: 'closed',
        state_reason: 'completed',
      });
    });
    options.logger?.info(
      `Closed issue #${issue.number}: certificate ${certificate} renewed cleanly.`,
    );
    closed.push(issue.html_url);
  }
  return closed;
}

/** Lists every issue with the incident label, across all pages, without pull requests. */
async function listLabelledIssues(
  octokit: GitHubClient,
  repository: Repository,
  state: 'open' | 'all',
): Promise<IssueSummary[]> {
  const issues: IssueSummary[] = await octokit.paginate(octokit.rest.issues.listForRepo, {
    ...repository,
    state,
    labels: INCIDENT_LABEL,
    per_page: 100,
  });
  return issues.filter((issue) => !issue.pull_request);
}

async function commentOnIssue(
  octokit: GitHubClient,
  repository: Repository,
  issue: IssueSummary,
  incident: ReplacementIncident,
  language: Language,
  logger: Logger,
): Promise<void> {
  const where = `${repository.owner}/${repository.repo}`;

  if (issue.state !== 'open') {
    await withPermissionCheck('Reopening the incident issue', where, 'issues', () =>
      octokit.rest.issues.update({ ...repository, issue_number: issue.number, state: 'open' }),
    );
    logger.info(`Reopened issue #${issue.number} for certificate ${incident.certificate}.`);
  }

  const body = renderRecurrenceComment(incident, language);
  await withPermissionCheck('Commenting on the incident issue', where, 'issues', () =>
    octokit.rest.issues.createComment({ ...repository, issue_number: issue.number, body }),
  );
  logger.info(
    `Commented on issue #${issue.number} for certificate ${incident.certificate}: ${issue.html_url}`,
  );
}

/** Creates the incident label unless it exists; another run creating it first is fine. */
async function ensureLabel(
  octokit: GitHubClient,
  repository: Repository,
  logger: Logger,
): Promise<void> {
  const where = `${repository.owner}/${repository.repo}`;
  try {
    await octokit.rest.issues.getLabel({ ...repository, name: INCIDENT_LABEL });
    return;
  } catch (error) {
    if (statusOf(error) !== 404)
      throw toPermissionError(error, 'issues', 'Reading the incident label', where) ?? error;
  }

  try {
    await octokit.rest.issues.createLabel({
      ...repository,
      name: INCIDENT_LABEL,
      color: LABEL_COLOR,
      description: LABEL_DESCRIPTION,
    });
    logger.info(`Created label ${INCIDENT_LABEL} in ${where}.`);
  } catch (error) {
    if (statusOf(error) === 422) return;
    throw toPermissionError(error, 'issues', 'Creating the incident label', where) ?? error;
  }
}

async function withPermissionCheck<T>(
  action: string,
  repository: string,
  area: GitHubArea,
  request: () => Promise<T>,
): Promise<T> {
  try {
    return await request();
  } catch (error) {
    throw toPermissionError(error, area, action, repository) ?? error;
  }
}

function statusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null || !('status' in error)) return undefined;
  return typeof error.status === 'number' ? error.status : undefined;
}
