/**
 * Splits a byte stream (a child's stderr, a build's output) into text lines: `\n` and `\r\n` end a
 * line, a last line without a newline is emitted by `end()`, and a line longer than `maxLineBytes`
 * is cut there (at a UTF-8 character boundary) with a note saying how many bytes were not kept.
 * Bytes are gathered per line before decoding, so a character split across chunks stays whole.
 */
export const MAX_LINE_BYTES = 16 * 1024;

export class LineSplitter {
  private parts: Buffer[] = [];
  private length = 0;
  /** Bytes of the current line beyond `maxLineBytes`. */
  private dropped = 0;
  /** The line's last byte so far (to spot `\r\n` even when the `\r` was beyond the cut). */
  private lastByte = -1;

  constructor(
    private readonly onLine: (line: string) => void,
    private readonly maxLineBytes = MAX_LINE_BYTES,
  ) {}

  push(chunk: Buffer): void {
    let start = 0;
    while (start < chunk.length) {
      const newline = chunk.indexOf(0x0a, start);
      const end = newline === -1 ? chunk.length : newline;
      this.append(chunk.subarray(start, end));
      if (newline === -1) break;
      this.emit();
      start = newline + 1;
    }
  }

  /** Emits the last line when it had no newline. */
  end(): void {
    if (this.length > 0 || this.dropped > 0) this.emit();
  }

  /** Forgets the line under way (its end is being dropped); returns how many bytes it had. */
  discard(): number {
    const bytes = this.length + this.dropped;
    this.parts = [];
    this.length = 0;
    this.dropped = 0;
    this.lastByte = -1;
    return bytes;
  }

  private append(bytes: Buffer): void {
    if (bytes.length === 0) return;
    this.lastByte = bytes[bytes.length - 1]!;
    // Keep one byte over the limit, so a `\r` right at the limit is still seen as a line end.
    const room = this.maxLineBytes + 1 - this.length;
    if (room > 0) {
      const kept = bytes.subarray(0, room);
      this.parts.push(kept);
      this.length += kept.length;
    }
    if (bytes.length > room) this.dropped += bytes.length - Math.max(room, 0);
  }

  private emit(): void {
    let bytes = this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts, this.length);
    let dropped = this.dropped;
    const endsWithCr = this.lastByte === 0x0d;
    this.parts = [];
    this.length = 0;
    this.dropped = 0;
    this.lastByte = -1;
    if (endsWithCr) {
      if (dropped > 0) dropped -= 1;
      else bytes = bytes.subarray(0, -1);
    }
    if (bytes.length > this.maxLineBytes) {
      let cut = this.maxLineBytes;
      // Never split a UTF-8 character: back off over continuation bytes (10xxxxxx).
      while (cut > 0 && (bytes[cut]! & 0xc0) === 0x80) cut -= 1;
      dropped += bytes.length - cut;
      bytes = bytes.subarray(0, cut);
    }
    const text = bytes.toString('utf8');
    this.onLine(dropped > 0 ? `${text} [pan] line cut at ${this.maxLineBytes} bytes: ${dropped} more bytes were not kept` : text);
  }
}
