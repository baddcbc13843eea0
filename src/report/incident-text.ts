import { wordingFor, type IncidentWording, type Language } from './i18n.js';
import { incidentMarker, stateLocation, type ReplacementIncident } from './incident.js';

/** RFC 9773, ACME Renewal Information, which defines `replaces`. */
export const RFC_9773_URL = 'https://www.rfc-editor.org/rfc/rfc9773';

/** Title and Markdown body of a GitHub issue or comment. */
export interface IssueText {
  title: string;
  body: string;
}

/**
 * Renders the issue that explains one rejection of `replaces`: what the CA returned,
 * what the lineage recorded, the likely cause, what the run did, the fixes with their
 * costs, and links. The body starts with the hidden marker that finds it again.
 */
export function renderIncidentIssue(incident: ReplacementIncident, language: Language): IssueText {
  const wording = wordingFor(language);

  const sections = [
    incidentMarker(incident.certificate, incident.cause),
    `## ${wording.heading(incident.certificate)}`,
    renderAnswer(incident, wording),
    renderLineage(incident, wording),
    `### ${wording.sections.cause}\n\n${wording.likelyCause(causeFacts(incident))}`,
    `### ${wording.sections.action}\n\n${wording.action(actionFacts(incident))}`,
    renderFixes(incident, wording),
    renderLinks(incident, wording),
  ];
  return {
    title: wording.title(incident.certificate, incident.cause),
    body: `${sections.join('\n\n')}\n`,
  };
}

/** Renders the comment added to an existing incident issue when the CA rejects `replaces` again. */
export function renderRecurrenceComment(incident: ReplacementIncident, language: Language): string {
  const wording = wordingFor(language);

  const lines = [
    wording.recurrence(formatTime(incident.at)),
    '',
    problemTable(incident, wording),
    '',
    `**${wording.recurrenceAction}** ${wording.action(actionFacts(incident))}`,
  ];
  const links = linkLines(incident, wording);
  if (links.length > 0) lines.push('', ...links);
  return `${lines.join('\n')}\n`;
}

/** Renders the comment that closes an incident issue after a clean renewal. */
export function renderResolvedComment(
  certificate: string,
  language: Language,
  renewal: { at: Date; newSerial?: string; runUrl?: string },
): string {
  const wording = wordingFor(language);

  const lines = [wording.resolved(certificate, formatTime(renewal.at), renewal.newSerial)];
  if (renewal.runUrl) lines.push('', `- [${wording.links.run}](${renewal.runUrl})`);
  return `${lines.join('\n')}\n`;
}

function renderAnswer(incident: ReplacementIncident, wording: IncidentWording): string {
  return [
    `### ${wording.sections.answer}`,
    '',
    wording.answeredAt(formatTime(incident.at)),
    '',
    problemTable(incident, wording),
  ].join('\n');
}

function problemTable(incident: ReplacementIncident, wording: IncidentWording): string {
  const { problem } = incident;
  const type = problem.type ? `\`${inlineCode(problem.type)}\`` : wording.fields.none;
  const detail = problem.detail ? escapeMarkdownCell(problem.detail) : wording.fields.none;
  return [
    '| | |',
    '| --- | --- |',
    `| ${wording.fields.status} | ${problem.status} |`,
    `| ${wording.fields.type} | ${type} |`,
    `| ${wording.fields.detail} | ${detail} |`,
  ].join('\n');
}

function renderLineage(incident: ReplacementIncident, wording: IncidentWording): string {
  const { serial, certId, lostInCommit } = incident.lineage;
  const lost = lostInCommit
    ? wording.lostIn(
        commitReference(lostInCommit.sha, lostInCommit.url),
        escapeInline(lostInCommit.subject),
      )
    : wording.lostCommitUnknown;
  return [
    `### ${wording.sections.lineage}`,
    '',
    `- ${wording.currentCertificate(`\`${inlineCode(serial)}\``, `\`${inlineCode(certId)}\``)}`,
    `- ${lost}`,
  ].join('\n');
}

function renderFixes(incident: ReplacementIncident, wording: IncidentWording): string {
  const { branch, path } = stateLocation(incident);
  const shortSha = incident.lineage.lostInCommit?.sha.slice(0, 12);

  // Restoring or resetting the state only helps when the lineage lost a replacement.
  // For the other causes the lineage is right and only `replaces` has to go.
  const fixes = [renderReplacesNever(incident, wording)];
  if (incident.cause === 'already-replaced') {
    fixes.push(
      renderRestore(incident, wording, branch, path, shortSha),
      renderReset(incident, wording, branch, path),
    );
  }

  const numbered = fixes.map((lines, index) =>
    [`${index + 1}. ${lines[0] ?? ''}`, ...lines.slice(1)].join('\n'),
  );
  return [`### ${wording.sections.fix}`, '', wording.fixIntro, '', numbered.join('\n\n')].join(
    '\n',
  );
}

function renderReplacesNever(incident: ReplacementIncident, wording: IncidentWording): string[] {
  const snippet = `certificates:\n  - name: ${incident.certificate}\n    replaces: never`;
  return [
    `**${wording.fixReplacesNever.title}**`,
    '',
    indent(codeBlock('yaml', snippet)),
    '',
    indent(wording.fixReplacesNever.cost),
  ];
}

function renderRestore(
  incident: ReplacementIncident,
  wording: IncidentWording,
  branch: string,
  path: string,
  shortSha: string | undefined,
): string[] {
  const source = shortSha ? `${shortSha}^` : '<commit>';
  const commands = [
    `git fetch origin ${shellQuote(branch)}`,
    `git switch ${shellQuote(branch)}`,
    ...(shortSha ? [] : [`git log --oneline -- ${shellQuote(path)}`]),
    `git checkout ${source} -- ${shellQuote(path)}`,
    `git commit -m ${shellQuote(wording.commitMessages.restore(incident.certificate, shortSha ?? '<commit>', shortSha !== undefined))}`,
    `git push origin ${shellQuote(branch)}`,
  ];
  return [
    `**${wording.fixRestore.title(shortSha)}**`,
    ...(shortSha ? [] : ['', indent(wording.fixRestore.findCommit)]),
    '',
    indent(codeBlock('sh', commands.join('\n'))),
    '',
    indent(wording.fixRestore.cost),
  ];
}

function renderReset(
  incident: ReplacementIncident,
  wording: IncidentWording,
  branch: string,
  path: string,
): string[] {
  const folder = path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : path;
  const commands = [
    `git fetch origin ${shellQuote(branch)}`,
    `git switch ${shellQuote(branch)}`,
    `git rm -r ${shellQuote(folder)}`,
    `git commit -m ${shellQuote(wording.commitMessages.reset(incident.certificate))}`,
    `git push origin ${shellQuote(branch)}`,
  ];
  return [
    `**${wording.fixReset.title}**`,
    '',
    indent(codeBlock('sh', commands.join('\n'))),
    '',
    indent(wording.fixReset.cost),
  ];
}

function renderLinks(incident: ReplacementIncident, wording: IncidentWording): string {
  return [
    `### ${wording.sections.links}`,
    '',
    ...linkLines(incident, wording),
    `- [${wording.links.rfc}](${RFC_9773_URL})`,
  ].join('\n');
}

function linkLines(incident: ReplacementIncident, wording: IncidentWording): string[] {
  const lines: string[] = [];
  if (incident.links.runUrl) lines.push(`- [${wording.links.run}](${incident.links.runUrl})`);
  if (incident.links.stateCommitUrl)
    lines.push(`- [${wording.links.stateCommit}](${incident.links.stateCommitUrl})`);
  const lostUrl = incident.lineage.lostInCommit?.url;
  if (lostUrl) lines.push(`- [${wording.links.lostCommit}](${lostUrl})`);
  return lines;
}

function causeFacts(incident: ReplacementIncident): Parameters<IncidentWording['likelyCause']>[0] {
  const lost = incident.lineage.lostInCommit;
  return {
    cause: incident.cause,
    lostInCommit: lost ? { ...lost, subject: escapeInline(lost.subject) } : undefined,
    lostByRevert: lost !== undefined && /^revert\b/i.test(lost.subject),
  };
}

function actionFacts(incident: ReplacementIncident): Parameters<IncidentWording['action']>[0] {
  const { action } = incident;
  return {
    kind: action.kind,
    certId: `\`${inlineCode(incident.lineage.certId)}\``,
    newSerial: action.newSerial ? `\`${inlineCode(action.newSerial)}\`` : undefined,
    orderUrl: action.orderUrl ? `\`${inlineCode(action.orderUrl)}\`` : undefined,
    error: action.error ? escapeInline(action.error) : undefined,
    followUp: action.followUp
      ? {
          serial: `\`${inlineCode(action.followUp.serial ?? '?')}\``,
          orderUrl: `\`${inlineCode(action.followUp.orderUrl)}\``,
          replaces: action.followUp.replaces
            ? `\`${inlineCode(action.followUp.replaces)}\``
            : undefined,
        }
      : undefined,
  };
}

/** Formats a time as `2026-12-04 19:53:13 UTC`, the same in every language. */
export function formatTime(at: Date): string {
  return `${at.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

function commitReference(sha: string, url: string | undefined): string {
  const short = `\`${sha.slice(0, 12)}\``;
  return url ? `[${short}](${url})` : short;
}

function codeBlock(language: string, text: string): string {
  return `\`\`\`${language}\n${text}\n\`\`\``;
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => (line === '' ? line : `   ${line}`))
    .join('\n');
}

// Text from the CA or from git is untrusted: a `<!--` in it could forge a marker and
// a `|` or newline would break the table, so both are neutralized before rendering.
function escapeInline(text: string): string {
  return text
    .replace(/[\r\n]+/g, ' ')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}

function escapeMarkdownCell(text: string): string {
  return escapeInline(text).replace(/\|/g, '\\|');
}

function inlineCode(text: string): string {
  return text.replace(/[\r\n]+/g, ' ').replace(/`/g, "'");
}

function shellQuote(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}
