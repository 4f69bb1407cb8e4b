// Buffers an exporter encodes its requests into, each reused once the call that carried it has settled.
// A new array per request costs more than the copy into it: every request is hundreds of KB of fresh memory,
// which the system maps page by page as it is first written (one page fault per 4 KB, each a trip into the
// kernel, dearer still in a virtual machine) and the allocator hands back after it is collected.

/** Idle buffers kept: one per call in flight is all a steady run needs. */
const MAX_IDLE = 8;

/** Buffers for `encodeExportRequest`, taken for one call and given back once it has settled. */
export class RequestBuffers {
  private readonly idle: Uint8Array[] = [];

  /** A buffer of at least `bytes`: an idle one when one is large enough, else a new one with some room to spare. */
  take(bytes: number): Uint8Array {
    for (let i = this.idle.length - 1; i >= 0; i--) {
      if (this.idle[i]!.length >= bytes) return this.idle.splice(i, 1)[0]!;
    }
    // Rounded up to a quarter MiB, so requests that grow a little reuse it.
    return new Uint8Array(Math.ceil(bytes / QUARTER_MIB) * QUARTER_MIB);
  }

  /** The call using `buffer` has settled: nothing reads it any more. */
  giveBack(buffer: Uint8Array): void {
    if (this.idle.length < MAX_IDLE) this.idle.push(buffer);
  }
}

const QUARTER_MIB = 256 * 1024;
