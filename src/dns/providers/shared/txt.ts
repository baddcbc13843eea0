/** Maximum length of one character-string inside a TXT record (RFC 1035 section 3.3). */
const MAX_STRING_BYTES = 255;

/** Splits a TXT value into character-strings of at most 255 bytes each, never inside a UTF-8 sequence. */
export function chunkTxtValue(value: string): string[] {
  const bytes = Buffer.from(value, 'utf8');
  if (bytes.length <= MAX_STRING_BYTES) return [value];

  const chunks: string[] = [];
  let start = 0;
  while (start < bytes.length) {
    let end = Math.min(start + MAX_STRING_BYTES, bytes.length);
    // A byte of the form 10xxxxxx continues a UTF-8 sequence, so the cut moves back before it.
    while (end < bytes.length && end > start && ((bytes[end] ?? 0) & 0xc0) === 0x80) end -= 1;
    chunks.push(bytes.subarray(start, end).toString('utf8'));
    start = end;
  }
  return chunks;
}

/** Quotes one character-string in zone-file presentation form, escaping `"` and `\`. */
function quoteString(text: string): string {
  return `"${text.replace(/[\\"]/g, (character) => `\\${character}`)}"`;
}

/** Returns the presentation form (`"chunk1" "chunk2"`) that Route 53 and Google Cloud DNS store. */
export function quoteTxtValue(value: string): string {
  return chunkTxtValue(value).map(quoteString).join(' ');
}

/**
 * Parses the presentation form back to the plain value by joining its strings, so
 * a value read from the API compares equal to the value that was written. Text
 * outside quotes is taken as one unquoted string.
 */
export function unquoteTxtValue(presentation: string): string {
  const parts: string[] = [];
  const pattern = /"((?:[^"\\]|\\.)*)"|(\S+)/g;
  for (const match of presentation.matchAll(pattern)) {
    const quoted = match[1];
    if (quoted !== undefined) parts.push(quoted.replace(/\\(.)/g, '$1'));
    else parts.push(match[2] ?? '');
  }
  return parts.join('');
}
