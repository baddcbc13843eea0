// Wire-format helpers for the parts of RFC 2136 UPDATE and RFC 8945 TSIG that
// dns-packet 5.6 cannot produce: it encodes no class NONE (254), which deleting one
// record requires, and it has no TSIG record support at all.

/** Raised when a DNS message cannot be parsed, with the reason and the byte offset. */
export class DnsWireError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DnsWireError';
  }
}

export const HEADER_LENGTH = 12;
export const TYPE_SOA = 6;
export const TYPE_TXT = 16;
export const TYPE_TSIG = 250;
export const CLASS_IN = 1;
export const CLASS_NONE = 254;
export const CLASS_ANY = 255;

/**
 * Encodes a name in uncompressed, lower-case wire form, which is also the canonical
 * form that TSIG digests use (RFC 8945 section 4.3.3). `''` and `'.'` are the root.
 */
export function encodeName(name: string): Buffer {
  const trimmed = name.replace(/\.$/, '').toLowerCase();
  const labels = trimmed === '' ? [] : trimmed.split('.');
  const parts: Buffer[] = [];
  for (const label of labels) {
    const bytes = Buffer.from(label, 'ascii');
    if (bytes.length === 0 || bytes.length > 63) {
      throw new DnsWireError(
        `Cannot encode DNS name '${name}': label '${label}' must be 1 to 63 bytes long.`,
      );
    }
    parts.push(Buffer.from([bytes.length]), bytes);
  }
  parts.push(Buffer.from([0]));
  return Buffer.concat(parts);
}

export function uint16(value: number): Buffer {
  const buffer = Buffer.alloc(2);
  buffer.writeUInt16BE(value, 0);
  return buffer;
}

export function uint32(value: number): Buffer {
  const buffer = Buffer.alloc(4);
  buffer.writeUInt32BE(value, 0);
  return buffer;
}

/** Encodes seconds since the epoch as the 48-bit unsigned integer TSIG uses. */
export function uint48(value: number): Buffer {
  const buffer = Buffer.alloc(6);
  buffer.writeUIntBE(value, 0, 6);
  return buffer;
}

/** Encodes one resource record; `rdata` is already in wire form. */
export function encodeRecord(
  name: string,
  type: number,
  klass: number,
  ttl: number,
  rdata: Buffer,
): Buffer {
  return Buffer.concat([
    encodeName(name),
    uint16(type),
    uint16(klass),
    uint32(ttl),
    uint16(rdata.length),
    rdata,
  ]);
}

/**
 * Encodes TXT RDATA for one value. Values longer than 255 bytes are split into
 * several character-strings (RFC 1035 section 3.3.14), which readers concatenate.
 */
export function encodeTxtRdata(value: string): Buffer {
  const bytes = Buffer.from(value, 'utf8');
  const parts: Buffer[] = [];
  for (let offset = 0; offset === 0 || offset < bytes.length; offset += 255) {
    const chunk = bytes.subarray(offset, offset + 255);
    parts.push(Buffer.from([chunk.length]), chunk);
  }
  return Buffer.concat(parts);
}

/** Reads a possibly compressed name; returns it without the trailing dot and the offset after it. */
export function readName(message: Buffer, start: number): { name: string; next: number } {
  const labels: string[] = [];
  let offset = start;
  let next: number | undefined;
  for (let jumps = 0; jumps < 128; jumps++) {
    if (offset >= message.length)
      throw new DnsWireError(`Name at byte ${start} runs past the end of the message.`);
    const length = message[offset] as number;
    if (length === 0) return { name: labels.join('.'), next: next ?? offset + 1 };

    if ((length & 0xc0) === 0xc0) {
      if (offset + 1 >= message.length)
        throw new DnsWireError(`Compression pointer at byte ${offset} is cut off.`);
      next ??= offset + 2;
      offset = message.readUInt16BE(offset) & 0x3fff;
      continue;
    }
    if ((length & 0xc0) !== 0) throw new DnsWireError(`Unknown label type at byte ${offset}.`);
    if (offset + 1 + length > message.length)
      throw new DnsWireError(`Label at byte ${offset} runs past the end of the message.`);
    labels.push(message.toString('ascii', offset + 1, offset + 1 + length));
    offset += 1 + length;
  }
  throw new DnsWireError(`Name at byte ${start} has too many compression pointers.`);
}

/** Position and fixed fields of one resource record inside a message. */
export interface RecordLocation {
  start: number;
  name: string;
  type: number;
  klass: number;
  ttl: number;
  rdataStart: number;
  end: number;
}

/** Returns the location of every record after the question section, in message order. */
export function locateRecords(message: Buffer): RecordLocation[] {
  if (message.length < HEADER_LENGTH)
    throw new DnsWireError(`Message of ${message.length} bytes is shorter than a DNS header.`);
  const questions = message.readUInt16BE(4);
  const recordCount = message.readUInt16BE(6) + message.readUInt16BE(8) + message.readUInt16BE(10);

  let offset = HEADER_LENGTH;
  for (let index = 0; index < questions; index++) {
    offset = readName(message, offset).next + 4;
  }

  const records: RecordLocation[] = [];
  for (let index = 0; index < recordCount; index++) {
    const start = offset;
    const { name, next } = readName(message, offset);
    if (next + 10 > message.length) throw new DnsWireError(`Record at byte ${start} is cut off.`);
    const rdataLength = message.readUInt16BE(next + 8);
    const end = next + 10 + rdataLength;
    if (end > message.length)
      throw new DnsWireError(
        `RDATA of the record at byte ${start} runs past the end of the message.`,
      );
    records.push({
      start,
      name,
      type: message.readUInt16BE(next),
      klass: message.readUInt16BE(next + 2),
      ttl: message.readUInt32BE(next + 4),
      rdataStart: next + 10,
      end,
    });
    offset = end;
  }
  return records;
}
