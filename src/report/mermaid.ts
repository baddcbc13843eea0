import type { CertificateStatus } from './status.js';

export type ChartLanguage = 'en' | 'zh-CN';

const LABELS: Record<ChartLanguage, { validity: string; window: string; renewAt: string }> = {
  en: { validity: 'Validity', window: 'Suggested window', renewAt: 'Renewal time' },
  'zh-CN': { validity: '有效期', window: '建议续期窗口', renewAt: '计划续期时间' },
};

/**
 * Renders one Mermaid `gantt` block per certificate with its validity, the CA's
 * suggested window and the chosen renewal time. Certificates without validity dates
 * are left out, and an empty string is returned when none is left.
 */
export function renderLifetimeChart(
  rows: CertificateStatus[],
  language: ChartLanguage = 'en',
): string {
  return rows
    .map((row) => renderCertificateChart(row, LABELS[language]))
    .filter((block) => block !== '')
    .join('\n\n');
}

function renderCertificateChart(
  row: CertificateStatus,
  labels: { validity: string; window: string; renewAt: string },
): string {
  if (!row.notBefore || !row.notAfter) return '';

  const lines = [
    '```mermaid',
    'gantt',
    `  title ${mermaidText(row.name)}`,
    '  dateFormat YYYY-MM-DD HH:mm',
    '  axisFormat %Y-%m-%d',
    `  section ${mermaidText(row.name)}`,
    `  ${labels.validity} :validity, ${mermaidDate(row.notBefore)}, ${mermaidDate(row.notAfter)}`,
  ];
  if (row.suggestedWindow) {
    const { start, end } = row.suggestedWindow;
    lines.push(`  ${labels.window} :crit, window, ${mermaidDate(start)}, ${mermaidDate(end)}`);
  }
  if (row.renewAt) {
    lines.push(`  ${labels.renewAt} :milestone, renewal, ${mermaidDate(row.renewAt)}, 0d`);
  }
  lines.push('```');
  return lines.join('\n');
}

/** Formats a moment in UTC in the chart's `dateFormat`, YYYY-MM-DD HH:mm. */
function mermaidDate(date: Date): string {
  return date.toISOString().slice(0, 16).replace('T', ' ');
}

/**
 * Makes a name safe on a Mermaid title or section line. A colon ends a task name,
 * `#` and `;` start an entity or end a statement, and `%%` starts a comment, so
 * they become spaces.
 */
function mermaidText(text: string): string {
  return text
    .replace(/[:#;\r\n]|%%/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}
