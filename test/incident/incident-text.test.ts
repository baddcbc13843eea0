import { describe, expect, it } from 'vitest';

import { LANGUAGES, type Language } from '../../src/report/i18n.js';
import { parseIncidentMarker, type ReplacementIncident } from '../../src/report/incident.js';
import {
  RFC_9773_URL,
  renderIncidentIssue,
  renderRecurrenceComment,
  renderResolvedComment,
} from '../../src/report/incident-text.js';

const DETAIL =
  'Could not validate ARI \'replaces\' field :: cannot indicate an order replaces certificate with serial "04a1b2c3d4", which already has a replacement order';

function incident(overrides: Partial<ReplacementIncident> = {}): ReplacementIncident {
  return {
    certificate: 'www',
    cause: 'already-replaced',
    problem: { status: 409, type: 'urn:ietf:params:acme:error:alreadyReplaced', detail: DETAIL },
    at: new Date('2026-12-04T19:53:13Z'),
    lineage: {
      serial: '04a1b2c3d4',
      certId: 'aYhba4dGQEHhs3uEe6CuLN4ByNQ.BKGyw9Q',
      lostInCommit: {
        sha: '3f2a9c1d0e8b7a6f5e4d3c2b1a0f9e8d7c6b5a49',
        url: 'https://github.example/example/certificates/commit/3f2a9c1d0e8b',
        subject: 'Revert "Renew www"',
      },
    },
    action: {
      kind: 'ordered-without-replaces',
      newSerial: '05ffee',
      orderUrl: 'https://127.0.0.1:14000/my-order/42',
    },
    links: {
      runUrl: 'https://github.example/example/certificates/actions/runs/7',
      stateCommitUrl: 'https://github.example/example/certificates/commit/aa11',
    },
    policy: 'fallback',
    state: { branch: 'acme-lineage', path: 'www/lineage.json' },
    ...overrides,
  };
}

describe.each(LANGUAGES)('incident issue in %s', (language: Language) => {
  const { title, body } = renderIncidentIssue(incident(), language);

  it('names the certificate in the title', () => {
    expect(title).toContain('www');
  });

  it('shows what the CA returned', () => {
    expect(body).toContain('| 409 |');
    expect(body).toContain('`urn:ietf:params:acme:error:alreadyReplaced`');
    expect(body).toContain(DETAIL);
    expect(body).toContain('2026-12-04 19:53:13 UTC');
  });

  it('shows what the lineage recorded', () => {
    expect(body).toContain('`04a1b2c3d4`');
    expect(body).toContain('`aYhba4dGQEHhs3uEe6CuLN4ByNQ.BKGyw9Q`');
    expect(body).toContain('3f2a9c1d0e8b');
    expect(body).toContain('Revert "Renew www"');
  });

  it('shows the replaces never snippet', () => {
    expect(body).toContain(
      '```yaml\n   certificates:\n     - name: www\n       replaces: never\n   ```',
    );
  });

  it('restores the state file from the parent of the named commit', () => {
    expect(body).toContain('git fetch origin acme-lineage');
    expect(body).toContain('git checkout 3f2a9c1d0e8b^ -- www/lineage.json');
    expect(body).toContain('git push origin acme-lineage');
  });

  it('resets the lineage folder', () => {
    expect(body).toContain('git rm -r www');
  });

  it('carries the hidden marker first', () => {
    expect(
      body.startsWith('<!-- acme-lineage:incident certificate=www cause=already-replaced -->'),
    ).toBe(true);
    expect(parseIncidentMarker(body)).toEqual({ certificate: 'www', cause: 'already-replaced' });
  });

  it('links the run, the state commit and RFC 9773', () => {
    expect(body).toContain('(https://github.example/example/certificates/actions/runs/7)');
    expect(body).toContain('(https://github.example/example/certificates/commit/aa11)');
    expect(body).toContain(`(${RFC_9773_URL})`);
  });

  it('says the new order and serial', () => {
    expect(body).toContain('`https://127.0.0.1:14000/my-order/42`');
    expect(body).toContain('`05ffee`');
  });
});

describe('incident issue wording', () => {
  it('names a revert as the cause in English', () => {
    const { body } = renderIncidentIssue(incident(), 'en');

    expect(body).toContain('reverted the state commit');
    expect(body).toContain('not exempt from the CA');
  });

  it('names a revert as the cause in Chinese', () => {
    const { body } = renderIncidentIssue(incident(), 'zh-CN');

    expect(body).toContain('撤销了记录这次替换的状态提交');
    expect(body).toContain('速率限制');
  });

  it('lists every candidate cause without a lost commit', () => {
    const base = incident();
    const { body } = renderIncidentIssue(
      { ...base, lineage: { serial: '04a1', certId: 'x.y' } },
      'en',
    );

    expect(body).toContain('a run died after the CA accepted the replacement order');
    expect(body).toContain('deleted the lineage file');
    expect(body).toContain('a state commit was reverted');
    expect(body).toContain('another ACME client');
    expect(body).toContain('git log --oneline -- www/lineage.json');
    expect(body).toContain('git checkout <commit> -- www/lineage.json');
  });

  it('offers only replaces never after an account change', () => {
    const problem = {
      status: 403,
      type: 'urn:ietf:params:acme:error:unauthorized',
      detail: 'requester account did not request the certificate being replaced by this order',
    };
    const { title, body } = renderIncidentIssue(
      incident({ cause: 'account-changed', problem }),
      'en',
    );

    expect(title).toContain('ordered by another account');
    expect(body).toContain('another ACME account ordered this certificate');
    expect(body).toContain('replaces: never');
    expect(body).not.toContain('git rm -r');
    expect(body).toContain('cause=account-changed');
  });

  it('explains a changed CA in Chinese', () => {
    const problem = {
      status: 404,
      type: 'malformed',
      detail: 'path contained an Authority Key Identifier that did not match a known issuer',
    };
    const { body } = renderIncidentIssue(incident({ cause: 'ca-changed', problem }), 'zh-CN');

    expect(body).toContain('CA 不认识这张证书的签发者或序列号');
    expect(body).toContain('| 404 |');
  });

  it('says no order was placed under the fail policy', () => {
    const { body } = renderIncidentIssue(
      incident({ policy: 'fail', action: { kind: 'none' } }),
      'en',
    );

    expect(body).toContain('Placed no other order');
    expect(body).toContain('`on-already-replaced: fail`');
  });

  it('shows the error of a failed fallback order', () => {
    const action = { kind: 'failed' as const, error: 'HTTP 429 rateLimited: too many new orders' };
    const { body } = renderIncidentIssue(incident({ action }), 'en');

    expect(body).toContain('HTTP 429 rateLimited: too many new orders');
  });

  it('neutralizes markers and table breaks in the CA detail', () => {
    const detail = 'bad | value <!-- acme-lineage:incident certificate=api cause=ca-changed -->';
    const { body } = renderIncidentIssue(
      incident({ problem: { status: 409, type: 'alreadyReplaced', detail } }),
      'en',
    );

    expect(parseIncidentMarker(body)).toEqual({ certificate: 'www', cause: 'already-replaced' });
    expect(body.match(/<!--/g)).toHaveLength(1);
    expect(body).toContain('bad \\| value');
  });

  it('uses the default state location when none is given', () => {
    const { body } = renderIncidentIssue(incident({ state: undefined }), 'en');

    expect(body).toContain('git switch acme-lineage');
    expect(body).toContain('git checkout 3f2a9c1d0e8b^ -- www/lineage.json');
  });
});

describe.each(LANGUAGES)('incident comments in %s', (language: Language) => {
  it('recurrence shows the problem and the action', () => {
    const comment = renderRecurrenceComment(incident(), language);

    expect(comment).toContain('| 409 |');
    expect(comment).toContain(DETAIL);
    expect(comment).toContain('`05ffee`');
    expect(comment).toContain('(https://github.example/example/certificates/actions/runs/7)');
  });

  it('resolution names the certificate and serial', () => {
    const comment = renderResolvedComment('www', language, {
      at: new Date('2026-12-05T08:00:00Z'),
      newSerial: '06aa',
      runUrl: 'https://github.example/run/8',
    });

    expect(comment).toContain('`www`');
    expect(comment).toContain('`06aa`');
    expect(comment).toContain('2026-12-05 08:00:00 UTC');
    expect(comment).toContain('(https://github.example/run/8)');
  });
});
