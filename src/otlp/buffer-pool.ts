// Output buffers that are lent out and taken back. Encoded resource messages used to be copied out of the
// writer into a fresh array each; under Bun those fresh arrays (tens of KB each, outside the GC's small-object
// heap) cost more than encoding them: new memory from the system, then work for the collector. A run whose
// exporters only borrow requests (`Exporter.borrowsRequests`) gives each request's bytes back once its
// export has settled, so the same few buffers carry the whole run.

/** How much of a buffer's end is left unused rather than start a message there: most messages are smaller. */
const MIN_ROOM_FRACTION = 1 / 8;
/**
 * Idle memory kept for reuse (16 buffers of the usual size); more than that in flight means a slow receiver,
 * whose backlog is let go.
 */
const MAX_IDLE_BYTES = 16 << 20;

/** One buffer's loans: views handed out and not given back, and whether its writer has moved on from it. */
interface Loans {
  readonly buffer: Uint8Array;
  out: number;
  retired: boolean;
}

/**
 * Buffers for a `ProtoWriter` that lends views of what it wrote instead of copying it. A buffer returns to the
 * pool once its writer has moved on to another (it is retired) and every view of it has been given back.
 * Views never given back (a request abandoned on an error) just leave their buffer to the garbage collector.
 */
export class BufferPool {
  private readonly idle: Uint8Array[] = [];
  private idleBytes = 0;
  private readonly loans = new WeakMap<ArrayBufferLike, Loans>();
  /** Buffers made so far (not reused): how well the pool works. */
  allocated = 0;

  /** @param bufferBytes the usual buffer size; a message bigger than that gets a buffer of its own size. */
  constructor(readonly bufferBytes: number = 1 << 20) {}

  /** Room below which a writer moves on to another buffer before starting a message. */
  get minRoom(): number {
    return Math.floor(this.bufferBytes * MIN_ROOM_FRACTION);
  }

  /** A buffer of at least `minBytes` with nothing lent from it. */
  take(minBytes: number): Uint8Array {
    let buffer = this.reused(minBytes);
    if (buffer === undefined) {
      buffer = new Uint8Array(this.sizeFor(minBytes));
      this.allocated++;
    }
    this.loans.set(buffer.buffer, { buffer, out: 0, retired: false });
    return buffer;
  }

  /** The smallest idle buffer of at least `minBytes`, taken out of the idle list, if there is one. */
  private reused(minBytes: number): Uint8Array | undefined {
    const buffer = takeSmallestFitting(this.idle, minBytes);
    if (buffer !== undefined) this.idleBytes -= buffer.length;
    return buffer;
  }

  /**
   * The size of a new buffer for `minBytes`: the usual size, or for larger messages (large batches make
   * resource messages of megabytes) that size doubled as often as needed, so that the next such message
   * fits in it again instead of asking the system for fresh memory each time.
   */
  private sizeFor(minBytes: number): number {
    let size = this.bufferBytes;
    while (size < minBytes) size *= 2;
    return size;
  }

  /** Records that `view` (of a buffer from `take`) was handed out. */
  lend(view: Uint8Array): void {
    this.loans.get(view.buffer)!.out++;
  }

  /** The writer is done with `buffer`: it is reused once every view of it has been given back. */
  retire(buffer: Uint8Array): void {
    const loans = this.loans.get(buffer.buffer);
    if (loans === undefined) return;
    loans.retired = true;
    this.reuseIfFree(loans);
  }

  /** Takes back a view that was lent; views of other memory are ignored. */
  giveBack(view: Uint8Array): void {
    const loans = this.loans.get(view.buffer);
    if (loans === undefined || loans.out === 0) return;
    loans.out--;
    this.reuseIfFree(loans);
  }

  private reuseIfFree(loans: Loans): void {
    if (loans.out > 0 || !loans.retired) return;
    this.loans.delete(loans.buffer.buffer);
    if (this.idleBytes + loans.buffer.length > MAX_IDLE_BYTES) return;
    this.idle.push(loans.buffer);
    this.idleBytes += loans.buffer.length;
  }
}

/** Takes the smallest of `buffers` that holds at least `minBytes` out of the list; undefined when none does. */
export function takeSmallestFitting(buffers: Uint8Array[], minBytes: number): Uint8Array | undefined {
  let best = -1;
  for (let i = 0; i < buffers.length; i++) {
    const length = buffers[i]!.length;
    if (length >= minBytes && (best < 0 || length < buffers[best]!.length)) best = i;
  }
  return best < 0 ? undefined : buffers.splice(best, 1)[0];
}
