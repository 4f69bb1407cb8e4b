// Buffers an exporter encodes its requests into, each reused once the call that carried it has settled.
// A new array per request costs more than the copy into it: every request is hundreds of KB of fresh memory,
// which the system maps page by page as it is first written (one page fault per 4 KB, each a trip into the
// kernel, dearer still in a virtual machine) and the allocator hands back after it is collected.

import { takeSmallestFitting } from "./buffer-pool.ts";

/** Idle buffers kept: one per call in flight is all a steady run needs. */
const MAX_IDLE = 8;

/** Buffers for `encodeExportRequest`, taken for one call and given back once it has settled. */
export class RequestBuffers {
  private readonly idle: Uint8Array[] = [];
  /** Buffers made so far (not reused): how well reuse works. */
  allocated = 0;

  /** A buffer of at least `bytes`: the smallest idle one that is large enough, else a new one with room to spare. */
  take(bytes: number): Uint8Array {
    const reused = takeSmallestFitting(this.idle, bytes);
    if (reused !== undefined) return reused;
    this.allocated++;
    // Rounded up to a quarter MiB, so that requests a little larger reuse it.
    return new Uint8Array(Math.ceil(bytes / QUARTER_MIB) * QUARTER_MIB);
  }

  /** The call using `buffer` has settled: nothing reads it any more. */
  giveBack(buffer: Uint8Array): void {
    this.idle.push(buffer);
    // Past the limit the smallest goes: the larger buffers serve every request the smaller ones would.
    if (this.idle.length > MAX_IDLE) takeSmallestFitting(this.idle, 0);
  }
}

const QUARTER_MIB = 256 * 1024;
