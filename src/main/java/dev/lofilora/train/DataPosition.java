package dev.lofilora.train;

/**
 * Where a run is in its data stream: the epoch and the index of the next batch in that epoch's global batch order.
 * The order depends only on the seed and the epoch, so a run resumed from a position continues with exactly the
 * batches the uninterrupted run would have seen; a data-parallel run of N processes shards the same global order
 * (process r takes batches r, r+N, …) and saves the same global position.
 */
public record DataPosition(long epoch, long batch) {
    public static final DataPosition START = new DataPosition(0, 0);
}
