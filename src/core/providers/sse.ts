// Server-Sent Events: the incremental parser (WHATWG HTML §9.2.6) and the reader of a streaming
// response that feeds it, size-capped per event and per stream.
import { DEFAULT_MAX_EVENT_BYTES, RequestScope, ResponseLimitError, clip } from './http';
import { pushAll } from '../arrays';

export interface SseEvent {
  event?: string;
  data: string;
}

const LF = 0x0a;
const CR = 0x0d;

/**
 * Incremental Server-Sent Events parser (WHATWG HTML §9.2.6 "Interpreting an event stream": `\n`,
 * `\r\n` or `\r` line ends, blank line dispatches, `data:` lines joined with `\n`, `:` comments
 * ignored, one leading BOM stripped). Linear: only new bytes are searched for line ends; what
 * precedes a chunk's last line end is decoded and split in one go (CR and LF never occur inside a
 * UTF-8 sequence, so no character is cut), the rest is kept as bytes until its line end arrives.
 * A line, or an event's data, larger than `maxEventBytes` throws ResponseLimitError.
 */
export class SseParser {
  /** Pieces of the line not yet ended, and their total size. */
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  private data: string[] = [];
  private dataBytes = 0;
  private dataExact = false;
  private event: string | undefined;
  /** The last byte seen was CR: an LF right after it ends nothing. */
  private afterCR = false;
  /** The stream's first bytes while fewer than 3 (a BOM may start it); undefined once past. */
  private head: Uint8Array | undefined = new Uint8Array(0);
  private readonly decoder = new TextDecoder('utf-8', { ignoreBOM: true });
  private readonly encoder = new TextEncoder();

  constructor(readonly maxEventBytes = DEFAULT_MAX_EVENT_BYTES) {}

  push(chunk: Uint8Array | string): SseEvent[] {
    let bytes = typeof chunk === 'string' ? this.encoder.encode(chunk) : chunk;
    if (this.head) {
      // The first bytes are held until we know whether they are a BOM.
      const head = this.head.byteLength ? Buffer.concat([this.head, bytes]) : bytes;
      if (head.byteLength < 3) {
        this.head = head.slice();
        return [];
      }
      this.head = undefined;
      bytes = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? head.subarray(3) : head;
    }
    const events: SseEvent[] = [];
    let at = 0;
    if (this.afterCR && bytes.byteLength > 0) {
      if (bytes[0] === LF) at = 1;
      this.afterCR = false;
    }
    // Everything up to the chunk's last line end is decoded and split at once (native, linear); the
    // rest waits, as bytes, for its line end. Only the new bytes are searched.
    const last = Math.max(bytes.lastIndexOf(LF), bytes.lastIndexOf(CR));
    if (last < at) {
      if (at < bytes.byteLength) this.hold(bytes.subarray(at));
      return events;
    }
    const ended = bytes.subarray(at, last + 1);
    const region = this.pendingBytes ? Buffer.concat([...this.pending, ended], this.pendingBytes + ended.byteLength) : ended;
    this.pending = [];
    this.pendingBytes = 0;
    const lines = this.decoder.decode(region).split(/\r\n|\r|\n/);
    lines.pop(); // '' after the last line end
    for (const line of lines) this.line(line, events);
    this.afterCR = last === bytes.byteLength - 1 && bytes[last] === CR;
    if (last + 1 < bytes.byteLength) this.hold(bytes.subarray(last + 1));
    return events;
  }

  /** End of stream: a last line without its line end, and a last event not followed by a blank line, still count. */
  end(): SseEvent[] {
    const events: SseEvent[] = [];
    if (this.head) {
      const head = this.head;
      this.head = undefined;
      pushAll(events, this.push(head));
    }
    if (this.pendingBytes) {
      const bytes = Buffer.concat(this.pending, this.pendingBytes);
      this.pending = [];
      this.pendingBytes = 0;
      this.line(this.decoder.decode(bytes), events);
    }
    this.line('', events);
    return events;
  }

  private hold(piece: Uint8Array): void {
    this.checkSize(this.pendingBytes + piece.byteLength, 'a stream line');
    // Copy: the caller may reuse its buffer.
    this.pending.push(piece.slice());
    this.pendingBytes += piece.byteLength;
  }

  private checkSize(bytes: number, what: string): void {
    if (bytes <= this.maxEventBytes) return;
    this.pending = [];
    this.pendingBytes = 0;
    this.data = [];
    this.dataBytes = 0;
    this.dataExact = false;
    throw new ResponseLimitError(what, this.maxEventBytes);
  }

  /**
   * UTF-8 size of decoded text. A UTF-16 unit is 1–3 UTF-8 bytes, so while three times the length
   * stays far under the cap the length stands in (exactness is only needed near the cap).
   */
  private sizeOf(text: string): number {
    return text.length * 3 <= this.maxEventBytes ? text.length : Buffer.byteLength(text, 'utf8');
  }

  private line(line: string, events: SseEvent[]): void {
    if (line === '') {
      if (this.data.length) events.push({ event: this.event, data: this.data.join('\n') });
      this.data = [];
      this.dataBytes = 0;
      this.dataExact = false;
      this.event = undefined;
      return;
    }
    this.checkSize(this.sizeOf(line), 'a stream line');
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') {
      this.data.push(value);
      // An upper bound (3 bytes per UTF-16 unit) while it is under the cap; exact bytes from there on.
      this.dataBytes += this.dataExact ? Buffer.byteLength(value, 'utf8') + 1 : 3 * value.length + 1;
      if (!this.dataExact && this.dataBytes > this.maxEventBytes) {
        this.dataExact = true;
        this.dataBytes = this.data.reduce((n, d) => n + Buffer.byteLength(d, 'utf8') + 1, 0);
      }
      this.checkSize(this.dataBytes, 'a stream event');
    } else if (field === 'event') this.event = value;
  }
}

/**
 * Iterates the SSE events of a streaming response: the idle timer restarts per chunk of bytes,
 * each event and the whole stream are size-capped (ResponseLimitError, mapped by fromThrown).
 */
export async function* sseEvents(scope: RequestScope, res: Response): AsyncGenerator<SseEvent> {
  if (!res.body) throw scope.badResponse('empty streaming body');
  const parser = new SseParser(scope.maxEventBytes);
  const reader = res.body.getReader();
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      scope.touch();
      total += value.byteLength;
      if (total > scope.maxResponseBytes) throw new ResponseLimitError('the streamed answer', scope.maxResponseBytes);
      for (const e of parser.push(value)) yield e;
    }
    for (const e of parser.end()) yield e;
  } finally {
    // Stop the download if the consumer bailed out (error, cancel).
    reader.cancel().catch(() => undefined);
  }
}

export function parseEventJson(scope: RequestScope, e: SseEvent, partialText: string): Record<string, unknown> {
  try {
    const j = JSON.parse(e.data) as unknown;
    if (typeof j !== 'object' || j === null || Array.isArray(j)) throw new Error('not an object');
    return j as Record<string, unknown>;
  } catch {
    throw scope.badResponse(`a stream event is not JSON: ${JSON.stringify(clip(e.data, 80))}`, { partialText });
  }
}
