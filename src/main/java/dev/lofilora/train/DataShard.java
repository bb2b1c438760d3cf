package dev.lofilora.train;

/**
 * Which part of every global batch one process of a data-parallel run trains on: process {@code index} of
 * {@code count} takes the contiguous items {@code [start(n), end(n))} of an {@code n}-item batch (even shares when
 * {@code count} divides {@code n}; a shorter leftover batch is split as evenly as it goes, possibly leaving a process
 * none). {@link #SINGLE} is a one-process run: the whole batch.
 */
public record DataShard(int index, int count) {
    public static final DataShard SINGLE = new DataShard(0, 1);

    public DataShard {
        if (count < 1 || index < 0 || index >= count) {
            throw new IllegalArgumentException("shard " + index + " of " + count + " does not exist");
        }
    }

    public int start(int n) { return (int) ((long) n * index / count); }

    public int end(int n) { return (int) ((long) n * (index + 1) / count); }

    /** Whether this process writes the run folder (metrics, log, checkpoints): the first one. */
    public boolean writer() { return index == 0; }
}
