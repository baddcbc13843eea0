import { createHmac, timingSafeEqual } from 'node:crypto';
import {
  CLASS_ANY,
  DnsWireError,
  encodeName,
  encodeRecord,
  locateRecords,
  readName,
  TYPE_TSIG,
  uint16,
  uint32,
  uint48,
} from './wire.js';

/** TSIG algorithms this client signs with, by their RFC 8945 section 6 names. */
export const TSIG_ALGORITHMS = {
  'hmac-sha1': 'sha1',
  'hmac-sha224': 'sha224',
  'hmac-sha256': 'sha256',
  'hmac-sha384': 'sha384',
  'hmac-sha512': 'sha512',
} as const;

export type TsigAlgorithm = keyof typeof TSIG_ALGORITHMS;

export interface TsigKey {
  /** Key name, normalized: lower case, no trailing dot. */
  name: string;
  algorithm: TsigAlgorithm;
  secret: Buffer;
}

/** Allowed clock difference in seconds; 300 is the value RFC 8945 section 10 recommends. */
export const TSIG_FUDGE_SECONDS = 300;

/** TSIG error codes (RFC 8945 section 3, RFC 2845) that the caller turns into advice. */
export const TSIG_ERRORS: Record<number, string> = {
  16: 'BADSIG',
  17: 'BADKEY',
  18: 'BADTIME',
  22: 'BADTRUNC',
};

/** Returns the algorithm for a name such as `hmac-sha256`, `HMAC-SHA256.` or undefined when unsupported. */
export function parseTsigAlgorithm(text: string): TsigAlgorithm | undefined {
  const name = text.trim().toLowerCase().replace(/\.$/, '');
  return Object.hasOwn(TSIG_ALGORITHMS, name) ? (name as TsigAlgorithm) : undefined;
}

/** The fields of a TSIG record's RDATA (RFC 8945 section 4.2). */
export interface TsigRecord {
  keyName: string;
  algorithm: string;
  /** Seconds since the epoch. */
  timeSigned: number;
  fudge: number;
  mac: Buffer;
  originalId: number;
  error: number;
  otherData: Buffer;
}

/**
 * Encodes the TSIG variables that follow the message in the digest (RFC 8945
 * section 4.3.3): key name, class ANY, TTL 0, algorithm name, time signed, fudge,
 * error, other length and other data. Names are in canonical (lower case) form.
 */
export function encodeTsigVariables(record: Omit<TsigRecord, 'mac' | 'originalId'>): Buffer {
  return Buffer.concat([
    encodeName(record.keyName),
    uint16(CLASS_ANY),
    uint32(0),
    encodeName(record.algorithm),
    uint48(record.timeSigned),
    uint16(record.fudge),
    uint16(record.error),
    uint16(record.otherData.length),
    record.otherData,
  ]);
}

/**
 * Computes the MAC over `message` (without its TSIG record) and the TSIG variables.
 * A response's digest starts with the request's MAC and its length (RFC 8945 section 4.3.1).
 */
export function computeTsigMac(
  key: TsigKey,
  message: Buffer,
  record: Omit<TsigRecord, 'mac' | 'originalId'>,
  requestMac?: Buffer,
): Buffer {
  const hmac = createHmac(TSIG_ALGORITHMS[key.algorithm], key.secret);
  if (requestMac) hmac.update(Buffer.concat([uint16(requestMac.length), requestMac]));
  hmac.update(message);
  hmac.update(encodeTsigVariables(record));
  return hmac.digest();
}

function encodeTsigRdata(record: TsigRecord): Buffer {
  return Buffer.concat([
    encodeName(record.algorithm),
    uint48(record.timeSigned),
    uint16(record.fudge),
    uint16(record.mac.length),
    record.mac,
    uint16(record.originalId),
    uint16(record.error),
    uint16(record.otherData.length),
    record.otherData,
  ]);
}

/** Appends a TSIG record to `message` and increments ARCOUNT; returns the signed message and its MAC. */
export function signMessage(
  message: Buffer,
  key: TsigKey,
  nowSeconds = Math.floor(Date.now() / 1000),
): { signed: Buffer; mac: Buffer } {
  const fields = {
    keyName: key.name,
    algorithm: key.algorithm,
    timeSigned: nowSeconds,
    fudge: TSIG_FUDGE_SECONDS,
    error: 0,
    otherData: Buffer.alloc(0),
  };
  const mac = computeTsigMac(key, message, fields);
  const record = { ...fields, mac, originalId: message.readUInt16BE(0) };

  const signed = Buffer.concat([
    message,
    encodeRecord(key.name, TYPE_TSIG, CLASS_ANY, 0, encodeTsigRdata(record)),
  ]);
  signed.writeUInt16BE(message.readUInt16BE(10) + 1, 10);
  return { signed, mac };
}

/**
 * Splits the TSIG record off a message. Returns the record and the message as it was
 * before signing: TSIG removed, ARCOUNT decremented, ID set to the original ID
 * (RFC 8945 section 4.3.2). Returns undefined when the last record is not a TSIG.
 */
export function extractTsig(message: Buffer): { record: TsigRecord; unsigned: Buffer } | undefined {
  const records = locateRecords(message);
  const last = records[records.length - 1];
  if (!last || last.type !== TYPE_TSIG || message.readUInt16BE(10) === 0) return undefined;

  const algorithm = readName(message, last.rdataStart);
  let offset = algorithm.next;
  const need = (bytes: number): void => {
    if (offset + bytes > last.end)
      throw new DnsWireError(`TSIG record at byte ${last.start} is cut off.`);
  };
  need(10);
  const timeSigned = message.readUIntBE(offset, 6);
  const fudge = message.readUInt16BE(offset + 6);
  const macLength = message.readUInt16BE(offset + 8);
  offset += 10;
  need(macLength + 6);
  const mac = Buffer.from(message.subarray(offset, offset + macLength));
  offset += macLength;
  const originalId = message.readUInt16BE(offset);
  const error = message.readUInt16BE(offset + 2);
  const otherLength = message.readUInt16BE(offset + 4);
  offset += 6;
  need(otherLength);
  const otherData = Buffer.from(message.subarray(offset, offset + otherLength));

  const unsigned = Buffer.from(message.subarray(0, last.start));
  unsigned.writeUInt16BE(originalId, 0);
  unsigned.writeUInt16BE(message.readUInt16BE(10) - 1, 10);
  const record = {
    keyName: last.name.toLowerCase(),
    algorithm: algorithm.name.toLowerCase(),
    timeSigned,
    fudge,
    mac,
    originalId,
    error,
    otherData,
  };
  return { record, unsigned };
}

/** Outcome of checking a response's TSIG: `ok`, or why it cannot be trusted. */
export type TsigVerification =
  | { ok: true; record: TsigRecord }
  | {
      ok: false;
      reason: 'unsigned' | 'server-error' | 'wrong-key' | 'bad-mac' | 'bad-time';
      record?: TsigRecord;
    };

/**
 * Checks the TSIG of a response to a request signed with `key` (RFC 8945 section 5.3).
 * A TSIG error from the server (BADKEY, BADSIG) comes back unsigned, so it is
 * reported as `server-error` with the record and not verified.
 */
export function verifyResponse(
  response: Buffer,
  key: TsigKey,
  requestMac: Buffer,
  nowSeconds = Math.floor(Date.now() / 1000),
): TsigVerification {
  const extracted = extractTsig(response);
  if (!extracted) return { ok: false, reason: 'unsigned' };

  const { record, unsigned } = extracted;
  if (record.keyName !== key.name || record.algorithm !== key.algorithm)
    return { ok: false, reason: 'wrong-key', record };
  if (record.error !== 0 && record.mac.length === 0)
    return { ok: false, reason: 'server-error', record };

  const expected = computeTsigMac(key, unsigned, record, requestMac);
  if (expected.length !== record.mac.length || !timingSafeEqual(expected, record.mac))
    return { ok: false, reason: 'bad-mac', record };
  if (record.error !== 0) return { ok: false, reason: 'server-error', record };
  if (Math.abs(nowSeconds - record.timeSigned) > record.fudge)
    return { ok: false, reason: 'bad-time', record };
  return { ok: true, record };
}
