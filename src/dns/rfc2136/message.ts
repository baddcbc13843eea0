import {
  CLASS_IN,
  CLASS_NONE,
  encodeName,
  encodeRecord,
  encodeTxtRdata,
  HEADER_LENGTH,
  TYPE_SOA,
  TYPE_TXT,
  uint16,
} from './wire.js';

/** Opcode 5 in bits 11 to 14 of the header flags (RFC 2136 section 1.3). */
const OPCODE_UPDATE_FLAGS = 5 << 11;

/** One change to the update section of an UPDATE message. */
export type TxtChange =
  | { action: 'add'; name: string; value: string; ttl: number }
  | { action: 'delete'; name: string; value: string };

/**
 * Encodes an UPDATE message for `zone` with no prerequisites. Adding uses class IN
 * and the record's TTL (RFC 2136 section 2.5.1). Deleting one value uses class NONE,
 * TTL 0 and the exact RDATA (section 2.5.4), so other values on the name stay.
 */
export function encodeTxtUpdate(id: number, zone: string, changes: TxtChange[]): Buffer {
  const header = Buffer.alloc(HEADER_LENGTH);
  header.writeUInt16BE(id, 0);
  header.writeUInt16BE(OPCODE_UPDATE_FLAGS, 2);
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(0, 6);
  header.writeUInt16BE(changes.length, 8);
  header.writeUInt16BE(0, 10);

  const zoneSection = Buffer.concat([encodeName(zone), uint16(TYPE_SOA), uint16(CLASS_IN)]);
  const updateSection = changes.map((change) =>
    change.action === 'add'
      ? encodeRecord(change.name, TYPE_TXT, CLASS_IN, change.ttl, encodeTxtRdata(change.value))
      : encodeRecord(change.name, TYPE_TXT, CLASS_NONE, 0, encodeTxtRdata(change.value)),
  );
  return Buffer.concat([header, zoneSection, ...updateSection]);
}
