import type { LineCounter, YAMLError } from 'yaml';

import type { ManifestProblem } from './problems.js';

// Messages that replace the parser's own, which speaks of its API rather than the file.
const MESSAGES: Readonly<Record<string, string>> = {
  MULTIPLE_DOCS: 'the file contains more than one YAML document',
};
// Fixes for the YAML errors people hit most in hand-written files, keyed by the yaml package's error code.
const FIXES: Readonly<Record<string, string>> = {
  TAB_AS_INDENT: 'indent with spaces, because YAML does not allow tabs there',
  MULTIPLE_DOCS:
    'keep the manifest in one YAML document by merging the documents or removing the `---` separator and what follows it',
  DUPLICATE_KEY: 'remove one of the two entries, or merge them',
  MISSING_CHAR: 'add the missing closing character',
  BAD_INDENT: 'check the indentation, and that every `[` and `{` is closed',
  BLOCK_AS_IMPLICIT_KEY:
    'put a space after the colon of the previous key, or indent this block below it',
  MULTILINE_IMPLICIT_KEY: 'end the key on the line it starts, then write `: value`',
};

/** Converts a YAML parse error into a problem at the error's start. */
export function syntaxProblem(
  file: string,
  text: string,
  lineCounter: LineCounter,
  error: YAMLError,
): ManifestProblem {
  const { line, col } = lineCounter.linePos(error.pos[0]);
  const firstLine = error.message.split('\n')[0] ?? error.message;
  let message = `invalid YAML: ${MESSAGES[error.code] ?? firstLine.replace(/\.$/, '')}`;

  if (error.code === 'DUPLICATE_KEY') {
    const key = keyAt(text, error.pos[0]);
    if (key) message = `invalid YAML: the key \`${key}\` appears twice in the same map`;
  }
  const fix = FIXES[error.code] ?? 'correct the YAML syntax at this point';
  return { file, line, column: col, message: `${message}: ${fix}.` };
}

/** Returns the plain key that starts at `offset`, or undefined when it is not on one line. */
function keyAt(text: string, offset: number): string | undefined {
  const match = /^([^:\n]+):/.exec(text.slice(offset));
  return match?.[1]?.trim();
}
