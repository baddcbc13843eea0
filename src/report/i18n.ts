import type { RefusalKind } from '../acme/refusal.js';
import type { IncidentActionKind, StateCommit } from './incident.js';
import { englishWording } from './locales/en.js';
import { chineseWording } from './locales/zh-cn.js';

/** Languages the incident issue and its comments are written in. */
export type Language = 'en' | 'zh-CN';

export const LANGUAGES: readonly Language[] = ['en', 'zh-CN'];

/** Facts about the lost replacement that the cause paragraph reads. */
export interface CauseFacts {
  cause: RefusalKind;
  lostInCommit?: StateCommit;
  /** True when the commit that lost the record is a revert, judged by its subject. */
  lostByRevert: boolean;
}

/** Facts about what the run did, already formatted as inline Markdown code where needed. */
export interface ActionFacts {
  kind: IncidentActionKind;
  certId: string;
  newSerial?: string;
  orderUrl?: string;
  error?: string;
  followUp?: { serial: string; orderUrl: string; replaces?: string };
}

/**
 * Every sentence of the incident issue and its comments in one language. Each
 * language writes its own sentences from the same facts, so a translation reads
 * naturally instead of following the English word order.
 */
export interface IncidentWording {
  title(certificate: string, cause: RefusalKind): string;
  heading(certificate: string): string;
  sections: {
    answer: string;
    lineage: string;
    cause: string;
    action: string;
    fix: string;
    links: string;
  };
  fields: {
    status: string;
    type: string;
    detail: string;
    none: string;
  };
  answeredAt(time: string): string;
  currentCertificate(serial: string, certId: string): string;
  lostIn(commit: string, subject: string): string;
  lostCommitUnknown: string;
  likelyCause(facts: CauseFacts): string;
  action(facts: ActionFacts): string;
  fixIntro: string;
  fixReplacesNever: { title: string; cost: string };
  fixRestore: { title(commit: string | undefined): string; findCommit: string; cost: string };
  fixReset: { title: string; cost: string };
  links: { run: string; stateCommit: string; lostCommit: string; rfc: string };
  recurrence(time: string): string;
  recurrenceAction: string;
  resolved(certificate: string, time: string, newSerial: string | undefined): string;
  commitMessages: {
    /** `before` is true when `commit` lost the record, so the file comes from its parent. */
    restore(certificate: string, commit: string, before: boolean): string;
    reset(certificate: string): string;
  };
}

const WORDINGS: Record<Language, IncidentWording> = {
  en: englishWording,
  'zh-CN': chineseWording,
};

/** Returns the wording of `language`, or raises for a language this action has no text for. */
export function wordingFor(language: Language): IncidentWording {
  const wording = WORDINGS[language] as IncidentWording | undefined;
  if (!wording) {
    throw new Error(
      `Unsupported language '${String(language)}'. Expected one of: ${LANGUAGES.join(', ')}.`,
    );
  }
  return wording;
}
