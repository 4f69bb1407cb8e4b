/**
 * Whether `buf[start, end)` is well-formed UTF-8 (no overlong forms, no surrogates, nothing past
 * U+10FFFF): what a proto3 `string` must be, and what decoders refuse otherwise. Checked in place, since
 * the receiver never needs most strings as text. `view`, a DataView of the same bytes as `buf`, lets the
 * ASCII that nearly all of it is go four bytes at a time.
 */
export function isValidUtf8(buf: Uint8Array, start: number, end: number, view?: DataView): boolean {
  let i = start;
  if (view !== undefined) { for (; i + 4 <= end; i += 4) if ((view.getUint32(i) & 0x80808080) !== 0) break; }
  for (; i < end; i++) if (buf[i]! >= 0x80) return isValidUtf8From(buf, i, end);
  return true;
}

function isValidUtf8From(buf: Uint8Array, start: number, end: number): boolean {
  let i = start;
  while (i < end) {
    const byte = buf[i] ?? 0;
    if (byte < 0x80) {
      i++;
      continue;
    }
    if (byte < 0xc2 || byte > 0xf4) return false;
    if (byte < 0xe0) {
      if (i + 1 >= end || !isContinuation(buf[i + 1])) return false;
      i += 2;
      continue;
    }
    // The second byte's range is what rules out overlong forms, surrogates and code points past U+10FFFF.
    const second = buf[i + 1] ?? 0;
    const low = byte === 0xe0 ? 0xa0 : byte === 0xf0 ? 0x90 : 0x80;
    const high = byte === 0xed ? 0x9f : byte === 0xf4 ? 0x8f : 0xbf;
    if (i + 1 >= end || second < low || second > high) return false;
    if (byte < 0xf0) {
      if (i + 2 >= end || !isContinuation(buf[i + 2])) return false;
      i += 3;
    } else {
      if (i + 3 >= end || !isContinuation(buf[i + 2]) || !isContinuation(buf[i + 3])) return false;
      i += 4;
    }
  }
  return true;
}

function isContinuation(byte: number | undefined): boolean {
  return byte !== undefined && (byte & 0xc0) === 0x80;
}
