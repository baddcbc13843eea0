import { LINEAGE_SCHEMA_VERSION, type Lineage } from './types.js';

/** A lineage file that is not valid JSON, has an unknown schema version or the wrong shape. */
export class LineageFormatError extends Error {
  constructor(
    readonly file: string,
    /** Dotted path of the field at fault, such as `certificates[1].serial`, or undefined for the whole file. */
    readonly field: string | undefined,
    message: string,
  ) {
    super(message);
    this.name = 'LineageFormatError';
  }
}

type FieldKind =
  | 'string'
  | 'nullable-string'
  | 'timestamp'
  | 'hex'
  | 'boolean'
  | 'count'
  | 'string-list'
  | { enum: readonly string[] }
  | { object: Schema }
  | { list: Schema };

interface Field {
  key: string;
  kind: FieldKind;
  optional?: boolean;
}

/** Fields of one object type, in the order of its interface in types.ts, which is also the file's key order. */
type Schema = readonly Field[];

const SUGGESTED_WINDOW: Schema = [
  { key: 'start', kind: 'timestamp' },
  { key: 'end', kind: 'timestamp' },
];

const ARI_ERROR: Schema = [
  { key: 'message', kind: 'string' },
  { key: 'at', kind: 'timestamp' },
  { key: 'lasting', kind: 'boolean' },
  { key: 'attempts', kind: 'count' },
];

const ARI_STATE: Schema = [
  { key: 'checkedAt', kind: 'timestamp' },
  { key: 'suggestedWindow', kind: { object: SUGGESTED_WINDOW }, optional: true },
  { key: 'explanationUrl', kind: 'string', optional: true },
  { key: 'retryAfter', kind: 'timestamp', optional: true },
  { key: 'chosenRenewalTime', kind: 'timestamp', optional: true },
  { key: 'error', kind: { object: ARI_ERROR }, optional: true },
];

const REPLACED_BY: Schema = [
  { key: 'at', kind: 'timestamp' },
  { key: 'serial', kind: 'hex', optional: true },
  { key: 'orderUrl', kind: 'string', optional: true },
  { key: 'unknownOrder', kind: 'boolean', optional: true },
];

const CERTIFICATE_RECORD: Schema = [
  { key: 'serial', kind: 'hex' },
  { key: 'certId', kind: 'nullable-string' },
  { key: 'authorityKeyId', kind: 'nullable-string' },
  { key: 'identifiers', kind: 'string-list' },
  { key: 'notBefore', kind: 'timestamp' },
  { key: 'notAfter', kind: 'timestamp' },
  { key: 'issuer', kind: 'string' },
  { key: 'directoryUrl', kind: 'string' },
  { key: 'accountUrl', kind: 'string' },
  { key: 'orderUrl', kind: 'string' },
  { key: 'profile', kind: 'string', optional: true },
  { key: 'replaces', kind: 'nullable-string' },
  { key: 'replacedBy', kind: { object: REPLACED_BY }, optional: true },
  { key: 'revoked', kind: 'boolean', optional: true },
  { key: 'issuedAt', kind: 'timestamp' },
  { key: 'chainFile', kind: 'string' },
  { key: 'keyLost', kind: 'boolean', optional: true },
  { key: 'ari', kind: { object: ARI_STATE }, optional: true },
];

const PENDING_ORDER: Schema = [
  { key: 'orderUrl', kind: 'string' },
  { key: 'directoryUrl', kind: 'string' },
  { key: 'accountUrl', kind: 'string' },
  { key: 'identifiers', kind: 'string-list' },
  { key: 'profile', kind: 'string', optional: true },
  { key: 'replaces', kind: 'nullable-string' },
  { key: 'startedAt', kind: 'timestamp' },
];

const REPLACES_BLOCK: Schema = [
  { key: 'certId', kind: 'string' },
  {
    key: 'reason',
    kind: { enum: ['already-replaced', 'account-changed', 'ca-changed', 'no-ari'] },
  },
  { key: 'at', kind: 'timestamp' },
  { key: 'detail', kind: 'string', optional: true },
];

const LINEAGE: Schema = [
  { key: 'schemaVersion', kind: 'count' },
  { key: 'name', kind: 'string' },
  { key: 'certificates', kind: { list: CERTIFICATE_RECORD } },
  { key: 'pendingOrder', kind: { object: PENDING_ORDER }, optional: true },
  { key: 'replacesBlocks', kind: { list: REPLACES_BLOCK }, optional: true },
];

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.slice(0, 60))}`;
  return typeof value === 'object' ? 'an object' : `${typeof value} ${String(value)}`;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Checks `value` against `schema` and returns a copy with the keys in schema order
 * and absent optional fields left out. Unknown keys are an error, because within one
 * schema version every writer uses the same fields and an unknown key is a typo.
 */
function normalizeObject(
  file: string,
  path: string,
  value: unknown,
  schema: Schema,
): Record<string, unknown> {
  const fail = (field: string, message: string): never => {
    throw new LineageFormatError(file, field, `Invalid lineage file ${file}: ${field} ${message}.`);
  };
  if (!isPlainObject(value)) {
    return fail(path === '' ? '(top level)' : path, `must be an object, not ${describe(value)}`);
  }

  const known = new Set(schema.map((field) => field.key));
  for (const key of Object.keys(value)) {
    if (!known.has(key))
      fail(join(path, key), 'is not a known field; remove it or fix its spelling');
  }

  const result: Record<string, unknown> = {};
  for (const field of schema) {
    const fieldPath = join(path, field.key);
    const fieldValue = value[field.key];
    if (fieldValue === undefined) {
      if (!field.optional) fail(fieldPath, 'is missing');
      continue;
    }
    result[field.key] = normalizeValue(file, fieldPath, fieldValue, field.kind, fail);
  }
  return result;
}

function normalizeValue(
  file: string,
  path: string,
  value: unknown,
  kind: FieldKind,
  fail: (field: string, message: string) => never,
): unknown {
  switch (kind) {
    case 'string':
      return typeof value === 'string'
        ? value
        : fail(path, `must be a string, not ${describe(value)}`);
    case 'nullable-string':
      return value === null || typeof value === 'string'
        ? value
        : fail(path, `must be a string or null, not ${describe(value)}`);
    case 'timestamp':
      return typeof value === 'string' && !Number.isNaN(Date.parse(value))
        ? value
        : fail(
            path,
            `must be an RFC 3339 timestamp such as 2026-01-31T12:00:00Z, not ${describe(value)}`,
          );
    case 'hex':
      return typeof value === 'string' && /^[0-9a-f]+$/.test(value)
        ? value
        : fail(path, `must be lower-case hexadecimal, not ${describe(value)}`);
    case 'boolean':
      return typeof value === 'boolean'
        ? value
        : fail(path, `must be true or false, not ${describe(value)}`);
    case 'count':
      return Number.isInteger(value) && (value as number) >= 0
        ? value
        : fail(path, `must be a whole number, not ${describe(value)}`);
    case 'string-list':
      if (!Array.isArray(value))
        return fail(path, `must be a list of strings, not ${describe(value)}`);
      value.forEach((item, index) => {
        if (typeof item !== 'string')
          fail(`${path}[${index}]`, `must be a string, not ${describe(item)}`);
      });
      return [...value];
  }

  if ('enum' in kind) {
    return typeof value === 'string' && kind.enum.includes(value)
      ? value
      : fail(path, `must be one of ${kind.enum.join(', ')}, not ${describe(value)}`);
  }
  if ('object' in kind) return normalizeObject(file, path, value, kind.object);
  if (!Array.isArray(value)) return fail(path, `must be a list, not ${describe(value)}`);
  return value.map((item, index) => normalizeObject(file, `${path}[${index}]`, item, kind.list));
}

function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

/** Throws unless the file's schemaVersion is one this release reads, naming the file and the fix. */
function checkSchemaVersion(file: string, value: unknown): void {
  if (!isPlainObject(value)) return;
  const version = value.schemaVersion;

  if (version === undefined) {
    throw new LineageFormatError(
      file,
      'schemaVersion',
      `Invalid lineage file ${file}: schemaVersion is missing. Restore the file from the state branch history or delete it.`,
    );
  }
  if (
    typeof version === 'number' &&
    Number.isInteger(version) &&
    version > LINEAGE_SCHEMA_VERSION
  ) {
    throw new LineageFormatError(
      file,
      'schemaVersion',
      `Lineage file ${file} has schemaVersion ${version}, written by a newer acme-lineage; ` +
        `this release reads only version ${LINEAGE_SCHEMA_VERSION}. Upgrade acme-lineage to the release that wrote it.`,
    );
  }
  if (version !== LINEAGE_SCHEMA_VERSION) {
    throw new LineageFormatError(
      file,
      'schemaVersion',
      `Invalid lineage file ${file}: schemaVersion ${JSON.stringify(version)} is unknown; ` +
        `expected ${LINEAGE_SCHEMA_VERSION}. Restore the file from the state branch history or delete it.`,
    );
  }
}

/**
 * Parses and validates the text of a lineage file. `path` names the file in errors.
 * Throws LineageFormatError naming the file and the field at fault.
 */
export function parseLineage(text: string, path: string): Lineage {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new LineageFormatError(
      path,
      undefined,
      `Invalid lineage file ${path}: not valid JSON (${reason}).`,
    );
  }

  checkSchemaVersion(path, value);
  return normalizeObject(path, '', value, LINEAGE) as unknown as Lineage;
}

/**
 * Formats a lineage as its file content: JSON with 2-space indent, keys in the order of
 * the types and a trailing newline, so that equal lineages give equal bytes and diffs
 * on the state branch show only what changed. Throws LineageFormatError, naming `path`,
 * when the lineage does not have the shape that parseLineage accepts.
 */
export function serializeLineage(lineage: Lineage, path = `${lineage.name}/lineage.json`): string {
  checkSchemaVersion(path, lineage);
  const normalized = normalizeObject(path, '', lineage, LINEAGE);
  return `${JSON.stringify(normalized, null, 2)}\n`;
}
