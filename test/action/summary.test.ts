import { describe, expect, it } from 'vitest';

import type { CertificateStatus } from '../../src/report/status.js';
import {
  CHART_LIMIT,
  MAX_COMMENT_LENGTH,
  renderJobSummary,
  renderLifetimeChart,
  renderPlanComment,
  renderStatusTable,
} from '../../src/report/summary.js';

const NOW = new Date('2026-12-04T12:00:00Z');
const MARKER = '<!-- acme-lineage:plan -->';

const NOT_DUE: CertificateStatus = {
  name: 'www',
  domains: ['example.com', '*.example.com'],
  outcome: 'not-due',
  currentSerial: '03a1b2c3d4e5f60718',
  notBefore: new Date('2026-11-20T00:00:00Z'),
  notAfter: new Date('2027-02-18T00:00:00Z'),
  suggestedWindow: {
    start: new Date('2027-01-18T00:00:00Z'),
    end: new Date('2027-01-20T00:00:00Z'),
  },
  explanationUrl: 'https://ca.example/ari/explain',
  renewAt: new Date('2027-01-19T06:30:00Z'),
  reason: 'renewal time is after the next run',
};

const RENEWED: CertificateStatus = {
  name: 'api: internal',
  domains: ['api.example.org'],
  outcome: 'renewed',
  currentSerial: '00ff11',
  notBefore: new Date('2026-09-01T00:00:00Z'),
  notAfter: new Date('2026-12-05T06:00:00Z'),
  reason: 'inside the suggested window',
  newSerial: '0abc12',
  replaces: 'aYhba4dGQEHhs3uEe6CuLN4ByNQ.AIdlQyE',
};

const FAILED: CertificateStatus = {
  name: 'mail',
  domains: ['mail.example.net'],
  outcome: 'failed',
  notAfter: new Date('2026-12-01T00:00:00Z'),
  reason: 'order failed',
  error: 'urn:ietf:params:acme:error:dns | TXT record <missing>',
};

describe('renderStatusTable', () => {
  it('contains every column value in English', () => {
    const table = renderStatusTable([NOT_DUE], 'en', NOW);

    expect(table).toContain(
      '| Certificate | Domains | Status | Current serial | Expires | Suggested window | Next action |',
    );
    expect(table).toContain('**www**');
    expect(table).toContain('`example.com`, `*.example.com`');
    expect(table).toContain('**Not due**<br>renewal time is after the next run');
    expect(table).toContain('`03a1b2c3d4e5f60718`');
    expect(table).toContain('2027-02-18 00:00 UTC<br>in 75 days');
    expect(table).toContain(
      '2027-01-18 00:00 UTC – 2027-01-20 00:00 UTC<br>[explanation](https://ca.example/ari/explain)',
    );
    expect(table).toContain('Renew at 2027-01-19 06:30 UTC');
  });

  it('contains every column value in Chinese', () => {
    const table = renderStatusTable([NOT_DUE], 'zh-CN', NOW);

    expect(table).toContain(
      '| 证书 | 域名 | 状态 | 当前序列号 | 到期时间 | 建议续期窗口 | 下一步 |',
    );
    expect(table).toContain('**暂不续期**');
    expect(table).toContain('75 天后到期');
    expect(table).toContain('[说明](https://ca.example/ari/explain)');
    expect(table).toContain('将于 2027-01-19 06:30 UTC 续期');
  });

  it('shows new serial, replaces and hours left', () => {
    const table = renderStatusTable([RENEWED], 'en', NOW);

    expect(table).toContain('**Renewed**');
    expect(table).toContain('new serial `0abc12`');
    expect(table).toContain('replaces `aYhba4dGQEHhs3uEe6CuLN4ByNQ.AIdlQyE`');
    expect(table).toContain('in 18 hours');
  });

  it('escapes pipes and HTML in cells', () => {
    const table = renderStatusTable([FAILED], 'en', NOW);
    const row = table.split('\n')[2] as string;

    expect(row).toContain('error: urn:ietf:params:acme:error:dns \\| TXT record &lt;missing&gt;');
    expect(row).toContain('expired 3 days ago');
    expect(row.split(/(?<!\\)\|/)).toHaveLength(9);
  });

  it('reports expiry in Chinese for expired certificates', () => {
    expect(renderStatusTable([FAILED], 'zh-CN', NOW)).toContain('已过期 3 天');
  });

  it('renders one line per certificate', () => {
    const table = renderStatusTable([NOT_DUE, RENEWED, FAILED], 'en', NOW);

    expect(table.split('\n')).toHaveLength(5);
  });

  it('states an empty run', () => {
    expect(renderStatusTable([], 'en', NOW)).toBe('No certificates in this run.');
    expect(renderStatusTable([], 'zh-CN', NOW)).toBe('本次运行没有涉及任何证书。');
  });

  it('drops explanation links that are not http', () => {
    const table = renderStatusTable(
      [{ ...NOT_DUE, explanationUrl: 'javascript:alert(1)' }],
      'en',
      NOW,
    );

    expect(table).not.toContain('javascript');
    expect(table).not.toContain('[explanation]');
  });
});

describe('renderLifetimeChart', () => {
  it('renders a gantt block per certificate', () => {
    const chart = renderLifetimeChart([NOT_DUE, RENEWED]);
    const blocks = chart.split('\n\n');

    expect(blocks).toHaveLength(2);
    for (const block of blocks) {
      const lines = block.split('\n');
      expect(lines[0]).toBe('```mermaid');
      expect(lines[1]).toBe('gantt');
      expect(lines).toContain('  dateFormat YYYY-MM-DD HH:mm');
      expect(lines[lines.length - 1]).toBe('```');
    }
  });

  it('shows validity, window and renewal time', () => {
    const chart = renderLifetimeChart([NOT_DUE]);

    expect(chart).toContain('  Validity :validity, 2026-11-20 00:00, 2027-02-18 00:00');
    expect(chart).toContain('  Suggested window :crit, window, 2027-01-18 00:00, 2027-01-20 00:00');
    expect(chart).toContain('  Renewal time :milestone, renewal, 2027-01-19 06:30, 0d');
  });

  it('keeps colons out of titles and task names', () => {
    const chart = renderLifetimeChart([RENEWED]);

    expect(chart).toContain('  title api internal');
    expect(chart).toContain('  section api internal');
    for (const line of chart.split('\n').filter((l) => /^\s+\S.* :/.test(l))) {
      expect(line.split(' :')[0]).not.toContain(':');
    }
  });

  it('labels tasks in Chinese', () => {
    const chart = renderLifetimeChart([NOT_DUE], 'zh-CN');

    expect(chart).toContain('  有效期 :validity,');
    expect(chart).toContain('  建议续期窗口 :crit, window,');
  });

  it('skips certificates without validity', () => {
    expect(renderLifetimeChart([FAILED])).toBe('');
  });
});

describe('renderPlanComment', () => {
  it('starts with the marker and contains the table', () => {
    const comment = renderPlanComment([NOT_DUE, RENEWED], {
      language: 'en',
      now: NOW,
      marker: MARKER,
    });

    expect(comment.startsWith(`${MARKER}\n`)).toBe(true);
    expect(comment).toContain('### acme-lineage renewal plan');
    expect(comment).toContain('Renewed: 1, Not due: 1');
    expect(comment).toContain('| Certificate |');
    expect(comment).toContain('<details><summary>Lifetime chart</summary>');
    expect(comment).toContain('```mermaid');
    expect(comment).toContain('Updated 2026-12-04 12:00 UTC.');
  });

  it('lists manifest errors first', () => {
    const comment = renderPlanComment([], {
      language: 'zh-CN',
      now: NOW,
      marker: MARKER,
      manifestErrors: ['certificates[0].domains: missing', 'line 4: <unknown key>'],
    });

    expect(comment).toContain('> **清单文件错误**');
    expect(comment).toContain('> - certificates[0].domains: missing');
    expect(comment).toContain('> - line 4: &lt;unknown key&gt;');
    expect(comment.indexOf('清单文件错误')).toBeLessThan(
      comment.indexOf('本次运行没有涉及任何证书。'),
    );
  });
});

describe('renderPlanComment size', () => {
  const many = Array.from({ length: 600 }, (_, i) => ({
    ...NOT_DUE,
    name: `site-${i}`,
    domains: [`site-${i}.example.com`, `*.site-${i}.example.com`],
  }));

  it('stays within the comment limit', () => {
    const comment = renderPlanComment(many, { language: 'en', now: NOW, marker: MARKER });
    const listed = comment.split('\n').filter((line) => line.startsWith('| **site-')).length;

    expect(comment.length).toBeLessThanOrEqual(MAX_COMMENT_LENGTH);
    expect(listed).toBeGreaterThan(50);
    expect(listed).toBeLessThan(600);
    expect(comment).toContain(`${600 - listed} more certificates are not listed`);
    expect(comment).not.toContain('```mermaid');
    expect(comment.startsWith(MARKER)).toBe(true);
  });

  it('counts omitted rows in Chinese', () => {
    const comment = renderPlanComment(many, { language: 'zh-CN', now: NOW, marker: MARKER });

    expect(comment.length).toBeLessThanOrEqual(MAX_COMMENT_LENGTH);
    expect(comment).toMatch(/另有 \d+ 个证书未列出/);
  });

  it('keeps the chart when everything fits', () => {
    const comment = renderPlanComment(many.slice(0, 5), {
      language: 'en',
      now: NOW,
      marker: MARKER,
    });

    expect(comment).toContain('```mermaid');
    expect(comment).not.toContain('not listed');
  });
});

describe('renderJobSummary', () => {
  it('charts only the certificates that expire first', () => {
    const rows = Array.from({ length: CHART_LIMIT + 5 }, (_, i) => ({
      ...NOT_DUE,
      name: `site-${i}`,
      notAfter: new Date(Date.UTC(2027, 1, 28 - i)),
    }));
    const summary = renderJobSummary(rows, 'plan', 'en', NOW);

    expect(summary.match(/```mermaid/g)).toHaveLength(CHART_LIMIT);
    expect(summary).toContain(`The chart shows the ${CHART_LIMIT} certificates that expire first.`);
    expect(summary).toContain('title site-24');
    expect(summary).not.toContain('title site-0\n');
  });

  it('names the mode and counts outcomes', () => {
    const summary = renderJobSummary([NOT_DUE, RENEWED, FAILED], 'renew', 'en', NOW);

    expect(summary).toContain('## acme-lineage: renewal run');
    expect(summary).toContain('Failed: 1, Renewed: 1, Not due: 1');
    expect(summary).toContain('| Certificate |');
  });

  it('renders in Chinese', () => {
    const summary = renderJobSummary([NOT_DUE], 'check', 'zh-CN', NOW);

    expect(summary).toContain('## acme-lineage：证书检查');
    expect(summary).toContain('暂不续期：1');
    expect(summary).toContain('<details><summary>有效期图表</summary>');
  });
});
