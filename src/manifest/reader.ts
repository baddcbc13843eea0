import {
  Scalar,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  type Document,
  type LineCounter,
  type Node,
} from 'yaml';

import type { SourcePosition } from './types.js';
import type { ManifestProblem } from './problems.js';
import { closestMatch, didYouMean } from './suggest.js';

/** One `key: value` of a YAML map, with the value's aliases resolved. */
export interface Entry {
  key: string;
  keyNode: Scalar;
  /** The value node, or a null scalar placed at the key when the key has no value at all. */
  value: Node;
  path: string;
}

export interface KnownKeys {
  known: Entry[];
  /** Keys that an unknown key was probably meant to be. */
  suggested: Set<string>;
}

/**
 * Reads typed values out of a parsed manifest and records a problem for every value
 * of the wrong type or form. Each read returns undefined after recording a problem,
 * so callers keep going and the user sees every fault in one run.
 */
export class ManifestReader {
  constructor(
    private readonly file: string,
    private readonly document: Document,
    private readonly lineCounter: LineCounter,
    private readonly problems: ManifestProblem[],
    private readonly certificate?: string,
  ) {}

  /** Returns a reader whose problems name `certificate`, sharing this reader's problem list. */
  forCertificate(certificate: string | undefined): ManifestReader {
    return new ManifestReader(
      this.file,
      this.document,
      this.lineCounter,
      this.problems,
      certificate,
    );
  }

  /** Returns how many problems all readers sharing this list have recorded. */
  problemCount(): number {
    return this.problems.length;
  }

  positionOf(node: Node | undefined): SourcePosition {
    const offset = node?.range?.[0] ?? 0;
    const { line, col } = this.lineCounter.linePos(offset);
    return { line, column: col };
  }

  positionOfOffset(offset: number): SourcePosition {
    const { line, col } = this.lineCounter.linePos(offset);
    return { line, column: col };
  }

  report(
    where: Node | SourcePosition | undefined,
    path: string | undefined,
    message: string,
  ): void {
    const position = where !== undefined && 'line' in where ? where : this.positionOf(where);
    const problem: ManifestProblem = { file: this.file, ...position, message };
    if (path) problem.path = path;
    if (this.certificate !== undefined) problem.certificate = this.certificate;
    this.problems.push(problem);
  }

  /** Follows an alias (`*name`) to the node its anchor marks. */
  resolve(node: Node): Node {
    if (!isAlias(node)) return node;
    return (node.resolve(this.document) as Node | undefined) ?? node;
  }

  /** Reads a map's entries, rejecting keys that are not plain strings and YAML merge keys. */
  readMap(node: Node, path: string, expected: string): Entry[] | undefined {
    const map = this.resolve(node);
    if (!isMap(map)) {
      this.report(
        node,
        path,
        `expected ${expected} (a map of \`key: value\` lines), found ${describe(map)}.`,
      );
      return undefined;
    }

    const entries: Entry[] = [];
    for (const pair of map.items) {
      const keyNode = pair.key as Node | null;
      if (!isScalar(keyNode) || typeof keyNode.value !== 'string') {
        this.report(
          keyNode ?? map,
          path,
          `keys must be plain strings, found ${describe(keyNode ?? undefined)}.`,
        );
        continue;
      }
      const key = keyNode.value;
      const entryPath = path ? `${path}.${key}` : key;
      if (key === '<<') {
        this.report(
          keyNode,
          entryPath,
          'YAML merge keys (`<<`) are not supported: put shared settings under `defaults` instead.',
        );
        continue;
      }
      const value = pair.value === null ? nullAt(keyNode) : this.resolve(pair.value as Node);
      entries.push({ key, keyNode, value, path: entryPath });
    }
    return entries;
  }

  /**
   * Records an "unknown key" problem, with a suggestion, for every key outside
   * `allowed`. Returns the known entries and the keys suggested, so that a caller
   * need not also report a suggested key as missing.
   */
  rejectUnknownKeys(
    entries: readonly Entry[],
    allowed: readonly string[],
    where: string,
  ): KnownKeys {
    const known: Entry[] = [];
    const suggested = new Set<string>();
    for (const entry of entries) {
      if (allowed.includes(entry.key)) {
        known.push(entry);
        continue;
      }
      const suggestion = closestMatch(entry.key, allowed);
      if (suggestion !== undefined) suggested.add(suggestion);
      const fix =
        suggestion === undefined
          ? ` Allowed keys: ${allowed.join(', ')}.`
          : ` Did you mean \`${suggestion}\`?`;
      this.report(entry.keyNode, entry.path, `unknown key \`${entry.key}\` in ${where}.${fix}`);
    }
    return { known, suggested };
  }

  readList(node: Node, path: string, expected: string): Node[] | undefined {
    const list = this.resolve(node);
    if (!isSeq(list)) {
      this.report(node, path, `expected ${expected} (a YAML list), found ${describe(list)}.`);
      return undefined;
    }
    return list.items.map((item) => this.resolve(item as Node));
  }

  /**
   * Returns where each list item starts: the `-` of a block list, or the item itself
   * in a flow list (`[a, b]`). A certificate's position is its list item.
   */
  itemPositions(node: Node): SourcePosition[] {
    const list = this.resolve(node);
    if (!isSeq(list)) return [];
    const token = list.srcToken;
    return list.items.map((item, index) => {
      if (token?.type === 'block-seq') {
        const indicator = token.items[index]?.start.find((part) => part.type === 'seq-item-ind');
        if (indicator && 'offset' in indicator) return this.positionOfOffset(indicator.offset);
      }
      return this.positionOf(item as Node);
    });
  }

  readString(node: Node, path: string, hint: string): string | undefined {
    if (isScalar(node) && typeof node.value === 'string') {
      if (node.value.trim() !== '') return node.value;
      this.report(node, path, `the value is empty: ${hint}.`);
      return undefined;
    }
    this.report(node, path, `expected a string, found ${describe(node)}: ${hint}.`);
    return undefined;
  }

  readBoolean(node: Node, path: string): boolean | undefined {
    if (isScalar(node) && typeof node.value === 'boolean') return node.value;
    const quoted =
      isScalar(node) && typeof node.value === 'string'
        ? ' (YAML 1.2 reads `yes`, `no`, `on` and `off` as strings)'
        : '';
    this.report(node, path, `expected \`true\` or \`false\`, found ${describe(node)}${quoted}.`);
    return undefined;
  }

  /** Reads a string that must be one of `choices`, suggesting the closest one when it is not. */
  readChoice<T extends string>(node: Node, path: string, choices: readonly T[]): T | undefined {
    if (
      isScalar(node) &&
      typeof node.value === 'string' &&
      (choices as readonly string[]).includes(node.value)
    ) {
      return node.value as T;
    }
    const text = isScalar(node) && node.value !== null ? String(node.value) : '';
    const suggestion = text ? didYouMean(text, choices) : '';
    this.report(
      node,
      path,
      `expected one of ${choices.join(', ')}, found ${describe(node)}.${suggestion}`,
    );
    return undefined;
  }
}

/** Describes a node's type and value for a message, as in "the number 3" or "a list". */
export function describe(node: Node | undefined | null): string {
  if (node === undefined || node === null) return 'nothing';
  if (isMap(node)) return 'a map';
  if (isSeq(node)) return 'a list';
  if (isAlias(node)) return `the alias *${node.source}`;
  if (!isScalar(node)) return 'an unsupported value';

  const value = node.value;
  if (value === null) return 'no value';
  if (typeof value === 'string') return `the string \`${value}\``;
  if (typeof value === 'boolean') return `the boolean \`${value}\``;
  if (typeof value === 'number' || typeof value === 'bigint')
    return `the number \`${String(value)}\``;
  return `\`${String(value)}\``;
}

/** True when the node is an explicit YAML null (`key:`, `key: ~` or `key: null`). */
export function isNull(node: Node): boolean {
  return isScalar(node) && node.value === null;
}

function nullAt(keyNode: Scalar): Scalar {
  const placeholder = new Scalar(null);
  if (keyNode.range) placeholder.range = keyNode.range;
  return placeholder;
}
