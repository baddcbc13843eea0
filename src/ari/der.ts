/**
 * Minimal DER reader for the few certificate fields ARI needs. It reads tag, length
 * and content offsets only, and decodes no type that its caller does not request.
 */

/** One tag-length-value element. Its offsets index the buffer it was read from. */
export interface DerElement {
  tag: number;
  /** Offset of the first content byte. */
  contentStart: number;
  /** Offset just past the last content byte. */
  end: number;
}

export const TAG_BOOLEAN = 0x01;
export const TAG_INTEGER = 0x02;
export const TAG_OCTET_STRING = 0x04;
export const TAG_OID = 0x06;
export const TAG_UTC_TIME = 0x17;
export const TAG_GENERALIZED_TIME = 0x18;
export const TAG_SEQUENCE = 0x30;

/** Raised for bytes that are not the DER the reader expected. */
export class DerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DerError';
  }
}

/** Reads the element that starts at `offset`, checking that it fits before `limit`. */
export function readElement(der: Uint8Array, offset: number, limit = der.length): DerElement {
  if (offset + 2 > limit) {
    throw new DerError(`truncated element header at byte ${offset}`);
  }
  const tag = der[offset] as number;
  if ((tag & 0x1f) === 0x1f) {
    throw new DerError(`unsupported multi-byte tag at byte ${offset}`);
  }

  const first = der[offset + 1] as number;
  let length = first;
  let contentStart = offset + 2;
  if (first === 0x80) {
    throw new DerError(`indefinite length at byte ${offset}, which DER forbids`);
  }
  if (first > 0x80) {
    const lengthBytes = first & 0x7f;
    if (lengthBytes > 4 || contentStart + lengthBytes > limit) {
      throw new DerError(`invalid length field at byte ${offset}`);
    }
    length = 0;
    for (let i = 0; i < lengthBytes; i++) {
      length = length * 256 + (der[contentStart + i] as number);
    }
    contentStart += lengthBytes;
  }

  const end = contentStart + length;
  if (end > limit) {
    throw new DerError(`element at byte ${offset} runs past the end of its container`);
  }
  return { tag, contentStart, end };
}

/** Reads the elements directly inside a constructed element. */
export function readChildren(der: Uint8Array, parent: DerElement): DerElement[] {
  const children: DerElement[] = [];
  let offset = parent.contentStart;
  while (offset < parent.end) {
    const child = readElement(der, offset, parent.end);
    children.push(child);
    offset = child.end;
  }
  return children;
}

/** Reads the element at `offset` and checks its tag. `description` names it in the error. */
export function expectElement(
  der: Uint8Array,
  offset: number,
  tag: number,
  description: string,
  limit = der.length,
): DerElement {
  const element = readElement(der, offset, limit);
  if (element.tag !== tag) {
    throw new DerError(
      `expected ${description} (tag 0x${hex(tag)}) at byte ${offset}, found tag 0x${hex(element.tag)}`,
    );
  }
  return element;
}

/** Returns the content bytes of an element, sharing memory with `der`. */
export function contentOf(der: Uint8Array, element: DerElement): Uint8Array {
  return der.subarray(element.contentStart, element.end);
}

/** Decodes a UTCTime or GeneralizedTime in the forms RFC 5280 section 4.1.2.5 allows. */
export function readTime(der: Uint8Array, element: DerElement): Date {
  const text = Buffer.from(contentOf(der, element)).toString('latin1');
  let pattern: RegExp;
  if (element.tag === TAG_UTC_TIME) {
    pattern = /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/;
  } else if (element.tag === TAG_GENERALIZED_TIME) {
    pattern = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/;
  } else {
    throw new DerError(`expected a UTCTime or GeneralizedTime, found tag 0x${hex(element.tag)}`);
  }

  const match = pattern.exec(text);
  if (!match) {
    throw new DerError(`invalid time "${text}"`);
  }
  const [year, month, day, hours, minutes, seconds] = match.slice(1).map(Number) as number[];
  let fullYear = year as number;
  if (element.tag === TAG_UTC_TIME) {
    // RFC 5280: two-digit years 50..99 are 19xx, 00..49 are 20xx.
    fullYear += fullYear >= 50 ? 1900 : 2000;
  }
  return new Date(Date.UTC(fullYear, (month as number) - 1, day, hours, minutes, seconds));
}

function hex(byte: number): string {
  return byte.toString(16).padStart(2, '0');
}
