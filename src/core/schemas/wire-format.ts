/**
 * Confluent's wire format, which every Kafka serializer writes: magic byte 0, the schema's
 * registry id (4 bytes, big-endian), then the payload encoded with that schema.
 */
const MAGIC = 0;
const HEADER = 5;

export function toWireFormat(id: number, payload: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(HEADER + payload.length);
  out[0] = MAGIC;
  out.writeUInt32BE(id, 1);
  out.set(payload, HEADER);
  return out;
}

/** The id and payload of `bytes`, or why they are not in the wire format. */
export function fromWireFormat(bytes: Uint8Array): { id: number; payload: Uint8Array } | string {
  if (bytes.length < HEADER) return `is ${bytes.length} bytes; Confluent's wire format starts with a 5-byte header (magic byte 0, schema id)`;
  if (bytes[0] !== MAGIC) return `starts with byte ${bytes[0]}; Confluent's wire format starts with magic byte 0`;
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { id: view.readUInt32BE(1), payload: view.subarray(HEADER) };
}
