// How long a stopping member may take to hand its data to the others (`gracefulShutdownTimeout`), sized from the heap
// and a hand-over rate measured on real members. A member that runs out of time stops anyway and takes the
// partitions it still owns with it, so the default must cover the most data a member can hold: its whole heap.
import { Duration } from 'cdk8s';

/**
 * MiB per second stopping members handed over: the slowest graceful scale-down of 1 GiB or more measured on the
 * real-node harness (34.4 MiB/s: 3 of 6 members holding 1 GiB of entries and backups, 29.8 s from `kubectl scale` to
 * a settled, cluster-safe cluster; `npm run bench:cluster` and `npm run bench:shape`, 2026-11-28, docs/explanation/performance.md "Sizing the
 * grace period"), rounded down. Measured on 2 cores shared by every member and the control plane, 8 KiB values.
 * Smaller scale-downs were slower per MiB (a fixed part of seconds dominates them); MIN_DEFAULT_SECONDS covers those.
 */
export const MEASURED_HAND_OVER_MIB_PER_SECOND = 30;

/**
 * The default covers a full heap this many times over the measured time: slower or busier nodes, entries whose heap
 * footprint exceeds their bytes, and more than one member leaving at once (a scale-down by several members shares
 * the same links and cores).
 */
export const HAND_OVER_MARGIN = 3;

/** The default never goes below this: JVM and Hazelcast shutdown itself, and small heaps on slow nodes. */
const MIN_DEFAULT_SECONDS = 120;

/** The longest timeout accepted: a day. */
export const MAX_GRACEFUL_SHUTDOWN_SECONDS = 86_400;

/** Seconds to hand over a full heap of `heapMiB` at the measured rate, without margin. */
export function fullHeapHandOverSeconds(heapMiB: number): number {
  return Math.ceil(heapMiB / MEASURED_HAND_OVER_MIB_PER_SECOND);
}

/**
 * The default timeout for a heap of `heapMiB`: the full-heap hand-over time x HAND_OVER_MARGIN, rounded up to whole
 * minutes, at least 2 minutes (1.5 GiB, the default heap: 3 minutes; 8 GiB: 14 minutes).
 */
export function defaultGracefulShutdown(heapMiB: number): Duration {
  const seconds = Math.max(MIN_DEFAULT_SECONDS, fullHeapHandOverSeconds(heapMiB) * HAND_OVER_MARGIN);
  return Duration.minutes(Math.ceil(seconds / 60));
}
