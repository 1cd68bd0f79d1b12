/**
 * Protocol Buffers wire format reader: just enough to walk messages field by field.
 * (A hand-written reader instead of protobufjs: the k8s messages kubectl sends are few and flat.)
 */
export interface WireField {
  field: number;
  wireType: number;
  /** varint value (wire type 0), as bigint to keep int64 exact */
  varint?: bigint;
  /** bytes of a length-delimited field (wire type 2) */
  bytes?: Buffer;
  /** fixed 32/64-bit fields (wire types 1 and 5), raw */
  fixed?: Buffer;
}

export class WireError extends Error {}

export function* readFields(buf: Buffer): Generator<WireField> {
  let pos = 0;
  const varint = (): bigint => {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      if (pos >= buf.length) throw new WireError('truncated varint');
      const b = buf[pos++]!;
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result;
      shift += 7n;
      if (shift > 70n) throw new WireError('varint too long');
    }
  };
  while (pos < buf.length) {
    const key = Number(varint());
    const field = key >>> 3;
    const wireType = key & 7;
    switch (wireType) {
      case 0:
        yield {field, wireType, varint: varint()};
        break;
      case 1:
        if (pos + 8 > buf.length) throw new WireError('truncated fixed64');
        yield {field, wireType, fixed: buf.subarray(pos, (pos += 8))};
        break;
      case 2: {
        const len = Number(varint());
        if (pos + len > buf.length) throw new WireError('truncated length-delimited field');
        yield {field, wireType, bytes: buf.subarray(pos, (pos += len))};
        break;
      }
      case 5:
        if (pos + 4 > buf.length) throw new WireError('truncated fixed32');
        yield {field, wireType, fixed: buf.subarray(pos, (pos += 4))};
        break;
      default:
        throw new WireError(`unsupported wire type ${wireType}`);
    }
  }
}
