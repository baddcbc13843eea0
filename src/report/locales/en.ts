import type { RefusalKind } from '../../acme/refusal.js';
import type { ActionFacts, CauseFacts, IncidentWording } from '../i18n.js';

const CAUSE_NAMES: Record<RefusalKind, string> = {
  'already-replaced': 'already replaced',
  'account-changed': 'ordered by another account',
  'ca-changed': 'unknown to this CA',
  'replaces-unsupported': 'replaces not accepted',
};

function likelyCause(facts: CauseFacts): string {
  switch (facts.cause) {
    case 'already-replaced':
      return alreadyReplacedCause(facts);
    case 'account-changed':
      return (
        'The CA says another ACME account ordered this certificate. The account key was ' +
        'probably replaced, or the account was registered again, after the certificate was ' +
        'issued. The CA accepts `replaces` only from the account that ordered the certificate.'
      );
    case 'ca-changed':
      return (
        'The CA does not know the issuer or the serial of this certificate. The manifest ' +
        'probably points at another CA or another directory (staging instead of production, ' +
        'for example) than the one that issued it, or the certificate came from outside this lineage.'
      );
    case 'replaces-unsupported':
      return (
        'This CA rejects the `replaces` field of newOrder, so it does not support renewals ' +
        'as RFC 9773 defines them, or it does not accept this certID.'
      );
  }
}

function alreadyReplacedCause(facts: CauseFacts): string {
  const lost = facts.lostInCommit;
  if (lost && facts.lostByRevert) {
    return (
      `Commit \`${lost.sha.slice(0, 12)}\` ("${lost.subject}") reverted the state commit that ` +
      'recorded the replacement. The CA had already accepted an order that replaces this ' +
      'certificate, but the lineage went back to the old one.'
    );
  }
  if (lost) {
    return (
      `Commit \`${lost.sha.slice(0, 12)}\` ("${lost.subject}") removed the record of the ` +
      'replacement from the lineage, so the state file was deleted or overwritten. The CA had ' +
      'already accepted an order that replaces this certificate.'
    );
  }
  return [
    'The CA already has an order that replaces this certificate, but the lineage has no record of it. One of these usually explains it:',
    '',
    '- a run died after the CA accepted the replacement order and before it committed the new certificate (a cancelled or timed-out job);',
    '- someone deleted the lineage file, or the record of the new certificate, from the state branch;',
    '- a state commit was reverted, or the state branch was reset to an older commit;',
    '- another ACME client using the same account renewed this certificate.',
    '',
    'Let\u2019s Encrypt counts an order as a replacement as soon as it is created, even before it is finalized, until that order becomes invalid or expires.',
  ].join('\n');
}

function action(facts: ActionFacts): string {
  switch (facts.kind) {
    case 'recovered-journaled-order':
      return (
        `Recovered the replacement from the order that the lineage had journaled (${facts.orderUrl ?? 'order URL not recorded'}) ` +
        `and recorded certificate ${facts.newSerial ?? '(serial not recorded)'}. ` +
        (facts.followUp
          ? `Its private key was lost with the run that finalized it, so this run then placed order ${facts.followUp.orderUrl} ` +
            (facts.followUp.replaces
              ? `replacing it (\`replaces\` ${facts.followUp.replaces})`
              : 'without `replaces`') +
            ` and recorded certificate ${facts.followUp.serial}.`
          : 'No new order was placed.')
      );
    case 'ordered-without-replaces':
      return (
        `Placed a new order without \`replaces\` (${facts.orderUrl ?? 'order URL not recorded'}) and recorded ` +
        `certificate ${facts.newSerial ?? '(serial not recorded)'}. That order was not exempt from the CA's rate ` +
        `limits. The lineage now records that certID ${facts.certId} must not be sent in \`replaces\` again, ` +
        'so later runs do not repeat this rejection.'
      );
    case 'none':
      return (
        'Placed no other order, because the manifest sets `on-already-replaced: fail` for this ' +
        'certificate. The certificate stays as it is until you apply one of the fixes below.'
      );
    case 'failed':
      return (
        `Tried to order without \`replaces\`, and that order failed too: ${facts.error ?? 'no error message'}. ` +
        'The certificate was not renewed; the next run tries again.'
      );
  }
}

export const englishWording: IncidentWording = {
  title: (certificate, cause) =>
    `acme-lineage: the CA rejected the renewal of ${certificate} (${CAUSE_NAMES[cause]})`,
  heading: (certificate) => `The CA rejected \`replaces\` for certificate \`${certificate}\``,
  sections: {
    answer: 'What the CA returned',
    lineage: 'What the lineage recorded',
    cause: 'Likely cause',
    action: 'What this run did',
    fix: 'How to fix or prevent it',
    links: 'Links',
  },
  fields: { status: 'HTTP status', type: 'Type', detail: 'Detail', none: '(none)' },
  answeredAt: (time) =>
    `At ${time} the CA rejected the newOrder request that named the current certificate in \`replaces\`:`,
  currentCertificate: (serial, certId) =>
    `Current certificate: serial ${serial}, certID ${certId}.`,
  lostIn: (commit, subject) =>
    `The record of the replacement went missing in commit ${commit} ("${subject}").`,
  lostCommitUnknown: 'No state commit shows where the record of the replacement went missing.',
  likelyCause,
  action,
  fixIntro: 'Pick one. Each fix has a cost, stated below it.',
  fixReplacesNever: {
    title: 'Stop sending `replaces` for this certificate, in the manifest:',
    cost:
      'Cost: every later renewal of this certificate is ordered without `replaces`, so none is exempt ' +
      'from the CA\u2019s rate limits, and the CA no longer links the new certificate to the one it replaces.',
  },
  fixRestore: {
    title: (commit) =>
      commit
        ? `Restore the lineage file as it was before commit \`${commit}\`:`
        : 'Restore the lineage file from the last commit that recorded the replacement:',
    findCommit:
      'Find that commit in the log of the lineage file, then put its hash in place of `<commit>`.',
    cost:
      'Cost: this overwrites every change committed to this file since then, so read `git log` first, ' +
      'and push while no workflow run is renewing. It brings back the replacement, so the next run ' +
      'continues the lineage without another order.',
  },
  fixReset: {
    title: 'Reset this lineage:',
    cost:
      'Cost: the history of this certificate is lost. The next run orders a new certificate without ' +
      '`replaces`, which is not exempt from the CA\u2019s rate limits, and the old certificate stays valid ' +
      'until it expires or is revoked.',
  },
  links: {
    run: 'Workflow run',
    stateCommit: 'State commit of this run',
    lostCommit: 'Commit where the replacement went missing',
    rfc: 'RFC 9773: ACME Renewal Information (ARI)',
  },
  recurrence: (time) => `The CA rejected \`replaces\` again at ${time}:`,
  recurrenceAction: 'This run:',
  resolved: (certificate, time, newSerial) =>
    `Certificate \`${certificate}\` renewed cleanly at ${time}` +
    (newSerial ? ` (new serial \`${newSerial}\`)` : '') +
    ', so this issue is closed. A new rejection reopens it.',
  commitMessages: {
    restore: (certificate, commit, before) =>
      `Restore the lineage of ${certificate} from ${before ? 'before ' : ''}${commit}`,
    reset: (certificate) => `Reset the lineage of ${certificate}`,
  },
};
