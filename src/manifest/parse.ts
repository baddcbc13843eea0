import { LineCounter, isScalar, parseDocument, type Node } from 'yaml';

import { normalizeIdentifier } from './domains.js';
import { ManifestError, sortProblems, type ManifestProblem } from './problems.js';
import { ManifestReader, describe, type Entry } from './reader.js';
import {
  CERTIFICATE_ONLY_KEYS,
  SETTING_KEYS,
  readSettingsLayer,
  resolveSettings,
  type SettingsLayer,
} from './settings.js';
import { syntaxProblem } from './syntax.js';
import type { CertificateSpec, Manifest, SourcePosition } from './types.js';

const TOP_LEVEL_KEYS = ['version', 'defaults', 'certificates'];
const CERTIFICATE_KEYS = [...CERTIFICATE_ONLY_KEYS, ...SETTING_KEYS];
// The name keys the lineage file and the output directory, so it must be safe as a file name.
const CERTIFICATE_NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;
export const FILE_START: SourcePosition = { line: 1, column: 1 };

interface DomainItem {
  value: string;
  node: Node;
  path: string;
}

/** A certificate as read, kept even when invalid so that duplicate checks still see it. */
interface CertificateDraft {
  name?: string;
  nameEntry?: Entry;
  /** Domains that passed validation. The certificate gets no spec when any other domain failed. */
  domains: DomainItem[];
  spec?: CertificateSpec;
}

/** Parses and validates manifest text, naming `file` in problems. Throws ManifestError listing every problem. */
export function parseManifest(text: string, file: string): Manifest {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, {
    lineCounter,
    keepSourceTokens: true,
    prettyErrors: false,
  });

  // A document with syntax errors is only partly built, and checking its values would
  // report faults that fixing the syntax removes.
  if (document.errors.length > 0) {
    const problems = document.errors.map((error) => syntaxProblem(file, text, lineCounter, error));
    throw new ManifestError(sortProblems(problems));
  }

  const problems: ManifestProblem[] = [];
  const reader = new ManifestReader(file, document, lineCounter, problems);
  const certificates = readManifest(reader, document.contents as Node | null);
  if (problems.length > 0) throw new ManifestError(sortProblems(problems));
  return { file, version: 1, certificates };
}

function readManifest(reader: ManifestReader, root: Node | null): CertificateSpec[] {
  if (root === null) {
    reader.report(
      FILE_START,
      undefined,
      'the manifest is empty: start it with `version: 1`, then list the `certificates`.',
    );
    return [];
  }
  const entries = reader.readMap(root, '', 'the manifest');
  if (entries === undefined) return [];
  const { known } = reader.rejectUnknownKeys(
    entries,
    TOP_LEVEL_KEYS,
    'the top level of the manifest',
  );

  checkVersion(reader, find(known, 'version'));
  const defaults = readDefaults(reader, find(known, 'defaults'));

  const certificatesEntry = find(known, 'certificates');
  if (certificatesEntry === undefined) {
    reader.report(
      reader.positionOf(root),
      undefined,
      'missing `certificates`: list the certificates to manage, each with a `name` and its `domains`.',
    );
    return [];
  }
  return readCertificates(reader, certificatesEntry, defaults);
}

function checkVersion(reader: ManifestReader, entry: Entry | undefined): void {
  if (entry === undefined) {
    reader.report(FILE_START, 'version', 'missing `version`: add `version: 1` as the first line.');
    return;
  }
  const value = isScalar(entry.value) ? entry.value.value : undefined;
  if (value === 1) return;
  if (value === '1') {
    reader.report(
      entry.value,
      entry.path,
      'the version is the string `"1"`: write the number, `version: 1`.',
    );
    return;
  }
  reader.report(
    entry.value,
    entry.path,
    `unsupported manifest version (found ${describe(entry.value)}): this release reads version 1 only, so write \`version: 1\`.`,
  );
}

function readDefaults(reader: ManifestReader, entry: Entry | undefined): SettingsLayer {
  if (entry === undefined) return { invalid: new Set() };
  const entries = reader.readMap(entry.value, entry.path, 'the default settings');
  if (entries === undefined) return { invalid: new Set(SETTING_KEYS) };

  const settings: Entry[] = [];
  for (const setting of entries) {
    if ((CERTIFICATE_ONLY_KEYS as readonly string[]).includes(setting.key)) {
      reader.report(
        setting.keyNode,
        setting.path,
        `\`${setting.key}\` cannot have a default: set it under each certificate.`,
      );
    } else {
      settings.push(setting);
    }
  }
  const { known } = reader.rejectUnknownKeys(settings, SETTING_KEYS, 'defaults');
  return readSettingsLayer(reader, known);
}

function readCertificates(
  reader: ManifestReader,
  entry: Entry,
  defaults: SettingsLayer,
): CertificateSpec[] {
  const items = reader.readList(entry.value, entry.path, 'the certificates');
  if (items === undefined) return [];
  if (items.length === 0) {
    reader.report(
      entry.value,
      entry.path,
      'the certificate list is empty: add at least one certificate with a `name` and its `domains`.',
    );
    return [];
  }

  const positions = reader.itemPositions(entry.value);
  const drafts = items.map((item, index) =>
    readCertificate(
      reader,
      item,
      `${entry.path}[${index}]`,
      positions[index] ?? reader.positionOf(item),
      defaults,
    ),
  );
  checkUniqueNames(reader, drafts);
  checkDomainsInOneCertificate(reader, drafts);
  return drafts.flatMap((draft) => (draft.spec ? [draft.spec] : []));
}

function readCertificate(
  reader: ManifestReader,
  node: Node,
  path: string,
  position: SourcePosition,
  defaults: SettingsLayer,
): CertificateDraft {
  const draft: CertificateDraft = { domains: [] };
  const entries = reader.readMap(node, path, 'a certificate with `name` and `domains`');
  if (entries === undefined) return draft;

  const nameEntry = find(entries, 'name');
  if (nameEntry) {
    draft.name = readCertificateName(reader, nameEntry);
    draft.nameEntry = nameEntry;
  }
  const certificateReader = reader.forCertificate(draft.name);
  const { known, suggested } = certificateReader.rejectUnknownKeys(
    entries,
    CERTIFICATE_KEYS,
    `certificate ${draft.name ? `\`${draft.name}\`` : path}`,
  );

  if (nameEntry === undefined && !suggested.has('name')) {
    certificateReader.report(
      position,
      path,
      'missing `name`: give the certificate a name such as `www`, which names its lineage file and output directory.',
    );
  }
  const domainsEntry = find(known, 'domains');
  let domainsValid = false;
  if (domainsEntry === undefined && !suggested.has('domains')) {
    certificateReader.report(
      position,
      path,
      'missing `domains`: list the DNS names the certificate covers, as in `domains: [example.com, "*.example.com"]`.',
    );
  } else if (domainsEntry !== undefined) {
    const problemsBefore = certificateReader.problemCount();
    draft.domains = readDomains(certificateReader, domainsEntry);
    domainsValid = certificateReader.problemCount() === problemsBefore;
  }

  const settingEntries = known.filter((entry) =>
    (SETTING_KEYS as readonly string[]).includes(entry.key),
  );
  const layer = readSettingsLayer(certificateReader, settingEntries, defaults.dns);
  const settings = resolveSettings(certificateReader, defaults, layer, position, path);

  if (draft.name !== undefined && domainsValid && settings) {
    draft.spec = {
      name: draft.name,
      domains: draft.domains.map((domain) => domain.value),
      ...settings,
      position,
    };
  }
  return draft;
}

function readCertificateName(reader: ManifestReader, entry: Entry): string | undefined {
  const name = reader.readString(entry.value, entry.path, 'give a name such as `www`');
  if (name === undefined) return undefined;
  if (CERTIFICATE_NAME.test(name)) return name;

  const lower = name.toLowerCase();
  const suggestion = CERTIFICATE_NAME.test(lower) ? ` Did you mean \`${lower}\`?` : '';
  reader.report(
    entry.value,
    entry.path,
    `invalid certificate name \`${name}\`: use 1 to 64 lower-case letters, digits, \`.\`, \`_\` and \`-\`, starting with a letter or digit, because the name becomes a file name.${suggestion}`,
  );
  return undefined;
}

/** Reads and normalizes the domains, returning the valid ones and reporting the rest. */
function readDomains(reader: ManifestReader, entry: Entry): DomainItem[] {
  const items = reader.readList(
    entry.value,
    entry.path,
    'a list of DNS names such as [example.com, "*.example.com"]',
  );
  if (items === undefined) return [];
  if (items.length === 0) {
    reader.report(entry.value, entry.path, 'the domain list is empty: list at least one DNS name.');
    return [];
  }

  const domains: DomainItem[] = [];
  const seen = new Map<string, Node>();
  items.forEach((item, index) => {
    const path = `${entry.path}[${index}]`;
    const text = reader.readString(item, path, 'write the DNS name, quoted if it starts with `*`');
    if (text === undefined) return;

    const normalized = normalizeIdentifier(text);
    if ('error' in normalized) {
      reader.report(item, path, `invalid domain \`${text}\`: ${normalized.error}.`);
      return;
    }
    const first = seen.get(normalized.value);
    if (first) {
      const { line, column } = reader.positionOf(first);
      reader.report(
        item,
        path,
        `\`${normalized.value}\` is listed twice in this certificate (first at line ${line}, column ${column}): remove one.`,
      );
      return;
    }
    seen.set(normalized.value, item);
    domains.push({ value: normalized.value, node: item, path });
  });
  return domains;
}

function checkUniqueNames(reader: ManifestReader, drafts: readonly CertificateDraft[]): void {
  const firstByName = new Map<string, Entry>();
  for (const draft of drafts) {
    if (draft.name === undefined || draft.nameEntry === undefined) continue;
    const first = firstByName.get(draft.name);
    if (first === undefined) {
      firstByName.set(draft.name, draft.nameEntry);
      continue;
    }
    const firstLine = reader.positionOf(first.value).line;
    const line = reader.positionOf(draft.nameEntry.value).line;
    reader
      .forCertificate(draft.name)
      .report(
        draft.nameEntry.value,
        draft.nameEntry.path,
        `the certificate name \`${draft.name}\` is used on line ${firstLine} and line ${line}: names must be unique because each names a lineage file, so rename one.`,
      );
  }
}

/** Reports a domain that two certificates list, because each would renew it on its own schedule. */
function checkDomainsInOneCertificate(
  reader: ManifestReader,
  drafts: readonly CertificateDraft[],
): void {
  const owner = new Map<string, { certificate: string; node: Node }>();
  drafts.forEach((draft, index) => {
    const certificate = draft.name ?? `certificates[${index}]`;
    for (const domain of draft.domains) {
      const first = owner.get(domain.value);
      if (first === undefined) {
        owner.set(domain.value, { certificate, node: domain.node });
        continue;
      }
      if (first.certificate === certificate) continue;
      const firstLine = reader.positionOf(first.node).line;
      reader
        .forCertificate(draft.name)
        .report(
          domain.node,
          domain.path,
          `\`${domain.value}\` is in both certificate \`${first.certificate}\` (line ${firstLine}) and certificate \`${certificate}\`: keep it in one of them.`,
        );
    }
  });
}

function find(entries: readonly Entry[], key: string): Entry | undefined {
  return entries.find((entry) => entry.key === key);
}
