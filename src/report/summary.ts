import { renderLifetimeChart } from './mermaid.js';
import type { CertificateOutcome, CertificateStatus } from './status.js';

export { renderLifetimeChart } from './mermaid.js';

export type ReportLanguage = 'en' | 'zh-CN';
export type ReportMode = 'renew' | 'plan' | 'check';

interface Texts {
  headers: [string, string, string, string, string, string, string];
  outcomes: Record<CertificateOutcome, string>;
  modes: Record<ReportMode, string>;
  noCertificates: string;
  explanation: string;
  newSerial: string;
  replaces: string;
  error: string;
  expiresIn: (amount: string) => string;
  expiredAgo: (amount: string) => string;
  days: (count: number) => string;
  hours: (count: number) => string;
  renewAt: (time: string) => string;
  defaultNextAction: Record<CertificateOutcome, string>;
  planTitle: string;
  manifestErrors: string;
  chart: string;
  updated: (time: string) => string;
  countSeparator: string;
  labelled: (label: string, value: string) => string;
  omittedRows: (count: number) => string;
  chartLimited: (count: number) => string;
}

const TEXTS: Record<ReportLanguage, Texts> = {
  en: {
    headers: [
      'Certificate',
      'Domains',
      'Status',
      'Current serial',
      'Expires',
      'Suggested window',
      'Next action',
    ],
    outcomes: {
      issued: 'Issued',
      renewed: 'Renewed',
      'not-due': 'Not due',
      due: 'Due',
      failed: 'Failed',
    },
    modes: { renew: 'renewal run', plan: 'renewal plan', check: 'certificate check' },
    noCertificates: 'No certificates in this run.',
    explanation: 'explanation',
    newSerial: 'new serial',
    replaces: 'replaces',
    error: 'error',
    expiresIn: (amount) => `in ${amount}`,
    expiredAgo: (amount) => `expired ${amount} ago`,
    days: (count) => `${count} ${count === 1 ? 'day' : 'days'}`,
    hours: (count) => `${count} ${count === 1 ? 'hour' : 'hours'}`,
    renewAt: (time) => `Renew at ${time}`,
    defaultNextAction: {
      issued: 'Check renewal information on the next run',
      renewed: 'Check renewal information on the next run',
      'not-due': 'Check renewal information on the next run',
      due: 'Renew on the next renew run',
      failed: 'Retry on the next run after the error is fixed',
    },
    planTitle: 'acme-lineage renewal plan',
    manifestErrors: 'Manifest errors',
    chart: 'Lifetime chart',
    updated: (time) => `Updated ${time}.`,
    countSeparator: ', ',
    labelled: (label, value) => `${label}: ${value}`,
    omittedRows: (count) =>
      `${count} more ${count === 1 ? 'certificate is' : 'certificates are'} not listed because ` +
      `GitHub limits a comment to 65,536 characters. The job summary lists all of them.`,
    chartLimited: (count) => `The chart shows the ${count} certificates that expire first.`,
  },
  'zh-CN': {
    headers: ['证书', '域名', '状态', '当前序列号', '到期时间', '建议续期窗口', '下一步'],
    outcomes: {
      issued: '首次签发',
      renewed: '已续期',
      'not-due': '暂不续期',
      due: '待续期',
      failed: '失败',
    },
    modes: { renew: '续期运行', plan: '续期计划', check: '证书检查' },
    noCertificates: '本次运行没有涉及任何证书。',
    explanation: '说明',
    newSerial: '新序列号',
    replaces: '替换',
    error: '错误',
    expiresIn: (amount) => `${amount}后到期`,
    expiredAgo: (amount) => `已过期 ${amount}`,
    days: (count) => `${count} 天`,
    hours: (count) => `${count} 小时`,
    renewAt: (time) => `将于 ${time} 续期`,
    defaultNextAction: {
      issued: '下次运行时查询续期信息',
      renewed: '下次运行时查询续期信息',
      'not-due': '下次运行时查询续期信息',
      due: '下次以 renew 模式运行时续期',
      failed: '修复错误后，将在下次运行时重试',
    },
    planTitle: 'acme-lineage 续期计划',
    manifestErrors: '清单文件错误',
    chart: '有效期图表',
    updated: (time) => `更新于 ${time}。`,
    countSeparator: '，',
    labelled: (label, value) => `${label}：${value}`,
    omittedRows: (count) =>
      `另有 ${count} 个证书未列出，因为 GitHub 评论最多只能有 65,536 个字符。完整列表见作业摘要。`,
    chartLimited: (count) => `图表只显示最早到期的 ${count} 个证书。`,
  },
};

/** Maximum length of an issue or pull request comment that GitHub accepts, in characters. */
export const MAX_COMMENT_LENGTH = 65_536;

/** Certificates drawn in the lifetime chart. Each gets its own block, so more would bury the table. */
export const CHART_LIMIT = 20;

/** Order of the outcome counts in a summary line, with what needs attention first. */
const OUTCOME_ORDER: CertificateOutcome[] = ['failed', 'due', 'renewed', 'issued', 'not-due'];

/**
 * Renders the per-certificate Markdown table: name, domains, status, current serial,
 * expiry, suggested window and next action. Times are shown in UTC.
 */
export function renderStatusTable(
  rows: CertificateStatus[],
  language: ReportLanguage,
  now: Date,
): string {
  const texts = TEXTS[language];
  if (rows.length === 0) return texts.noCertificates;

  const header = `| ${texts.headers.join(' | ')} |`;
  const separator = `|${texts.headers.map(() => ' --- ').join('|')}|`;
  const body = rows.map((row) => `| ${renderCells(row, texts, now).join(' | ')} |`);
  return [header, separator, ...body].join('\n');
}

/** Options of {@link renderPlanComment}. */
export interface PlanCommentOptions {
  /** Problems found in the manifest, one message each. */
  manifestErrors?: string[];
  language: ReportLanguage;
  now: Date;
  /** Hidden HTML comment that identifies the comment for later edits. */
  marker: string;
}

/**
 * Renders the pull request comment of plan mode, starting with the hidden marker.
 * When the comment would exceed {@link MAX_COMMENT_LENGTH}, the chart is left out
 * first, and then the last rows of the table, with a note that counts them.
 */
export function renderPlanComment(rows: CertificateStatus[], options: PlanCommentOptions): string {
  let shown = rows.length;
  let withChart = true;

  for (;;) {
    const comment = composePlanComment(rows, shown, withChart, options);
    if (comment.length <= MAX_COMMENT_LENGTH || (shown === 0 && !withChart)) return comment;

    if (withChart) {
      withChart = false;
    } else {
      // Shrink in proportion to the excess, by at least one row, so a long list
      // needs a few attempts instead of one per row.
      const estimate = Math.floor((shown * MAX_COMMENT_LENGTH) / comment.length);
      shown = Math.max(0, Math.min(shown - 1, estimate));
    }
  }
}

function composePlanComment(
  rows: CertificateStatus[],
  shown: number,
  withChart: boolean,
  options: PlanCommentOptions,
): string {
  const texts = TEXTS[options.language];
  const parts = [options.marker, `### ${texts.planTitle}`];

  const manifestErrors = options.manifestErrors ?? [];
  if (manifestErrors.length > 0) {
    const list = manifestErrors.map((message) => `> - ${escapeText(message)}`);
    parts.push(['> [!CAUTION]', `> **${texts.manifestErrors}**`, '>', ...list].join('\n'));
  }

  if (rows.length > 0) parts.push(renderCounts(rows, texts));
  parts.push(renderStatusTable(rows.slice(0, shown), options.language, options.now));
  if (shown < rows.length) parts.push(`_${texts.omittedRows(rows.length - shown)}_`);
  if (withChart) parts.push(...renderChartDetails(rows.slice(0, shown), options.language, texts));
  parts.push(`<sub>${texts.updated(formatTime(options.now))}</sub>`);
  return `${parts.join('\n\n')}\n`;
}

/** Renders the job summary of one run: a heading for the mode, counts, table and chart. */
export function renderJobSummary(
  rows: CertificateStatus[],
  mode: ReportMode,
  language: ReportLanguage,
  now: Date,
): string {
  const texts = TEXTS[language];
  const parts = [`## ${texts.labelled('acme-lineage', texts.modes[mode])}`];

  if (rows.length > 0) parts.push(renderCounts(rows, texts));
  parts.push(renderStatusTable(rows, language, now));
  parts.push(...renderChartDetails(rows, language, texts));
  parts.push(`<sub>${texts.updated(formatTime(now))}</sub>`);
  return `${parts.join('\n\n')}\n`;
}

function renderCells(row: CertificateStatus, texts: Texts, now: Date): string[] {
  return [
    `**${escapeText(row.name)}**`,
    row.domains.map((domain) => `\`${escapeCode(domain)}\``).join(', '),
    renderStatus(row, texts),
    row.currentSerial ? `\`${escapeCode(row.currentSerial)}\`` : '—',
    renderExpiry(row, texts, now),
    renderWindow(row, texts),
    escapeText(renderNextAction(row, texts)),
  ];
}

function renderStatus(row: CertificateStatus, texts: Texts): string {
  const lines = [`**${texts.outcomes[row.outcome]}**`];
  if (row.reason) lines.push(escapeText(row.reason));
  if (row.newSerial) lines.push(`${texts.newSerial} \`${escapeCode(row.newSerial)}\``);
  if (row.replaces) lines.push(`${texts.replaces} \`${escapeCode(row.replaces)}\``);
  if (row.error) lines.push(texts.labelled(texts.error, escapeText(row.error)));
  return lines.join('<br>');
}

function renderExpiry(row: CertificateStatus, texts: Texts, now: Date): string {
  if (!row.notAfter) return '—';
  const remainingMs = row.notAfter.getTime() - now.getTime();
  const amount = formatAmount(Math.abs(remainingMs), texts);
  const relative = remainingMs >= 0 ? texts.expiresIn(amount) : texts.expiredAgo(amount);
  return `${formatTime(row.notAfter)}<br>${relative}`;
}

function renderWindow(row: CertificateStatus, texts: Texts): string {
  if (!row.suggestedWindow) return '—';
  const { start, end } = row.suggestedWindow;
  const window = `${formatTime(start)} – ${formatTime(end)}`;
  const url = row.explanationUrl && safeUrl(row.explanationUrl);
  return url ? `${window}<br>[${texts.explanation}](${url})` : window;
}

function renderNextAction(row: CertificateStatus, texts: Texts): string {
  if (row.nextAction) return row.nextAction;
  if (row.outcome === 'not-due' && row.renewAt) return texts.renewAt(formatTime(row.renewAt));
  return texts.defaultNextAction[row.outcome];
}

function renderCounts(rows: CertificateStatus[], texts: Texts): string {
  return OUTCOME_ORDER.map((outcome) => {
    const count = rows.filter((row) => row.outcome === outcome).length;
    return count > 0 ? texts.labelled(texts.outcomes[outcome], String(count)) : '';
  })
    .filter((part) => part !== '')
    .join(texts.countSeparator);
}

/** Renders the chart of the {@link CHART_LIMIT} certificates that expire first, folded. */
function renderChartDetails(
  rows: CertificateStatus[],
  language: ReportLanguage,
  texts: Texts,
): string[] {
  const dated = rows.filter((row) => row.notAfter !== undefined);
  const charted = [...dated]
    .sort((a, b) => (a.notAfter as Date).getTime() - (b.notAfter as Date).getTime())
    .slice(0, CHART_LIMIT);
  const chart = renderLifetimeChart(charted, language);
  if (chart === '') return [];

  const note = dated.length > CHART_LIMIT ? `${texts.chartLimited(CHART_LIMIT)}\n\n` : '';
  return [`<details><summary>${texts.chart}</summary>\n\n${note}${chart}\n\n</details>`];
}

/** Formats a moment as `YYYY-MM-DD HH:mm UTC`. */
function formatTime(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** Formats a duration in whole hours below two days and in whole days from there. */
function formatAmount(milliseconds: number, texts: Texts): string {
  const hours = Math.floor(milliseconds / 3_600_000);
  return hours < 48 ? texts.hours(hours) : texts.days(Math.floor(hours / 24));
}

/** Escapes text for a table cell, because a pipe would split the cell and HTML would be rendered. */
function escapeText(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\|/g, '\\|')
    .replace(/\r?\n/g, '<br>');
}

function escapeCode(text: string): string {
  return text.replace(/`/g, "'").replace(/\|/g, '\\|');
}

/** Keeps only http(s) addresses from the CA and escapes the characters that end a Markdown link. */
function safeUrl(url: string): string | undefined {
  if (!/^https?:\/\//i.test(url)) return undefined;
  return url.replace(/[()\s<>|]/g, (character) => encodeURIComponent(character));
}
