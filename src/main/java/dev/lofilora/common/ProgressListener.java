package dev.lofilora.common;

/**
 * Progress of a long job, reported by the engine; the CLI draws a progress bar on stderr, an embedding tool gets
 * the callbacks. Implementations must be thread-safe: parallel jobs call {@link #advance} from worker threads.
 */
public interface ProgressListener {
    /** A stage with {@code total} units of work starts. */
    default void start(String stage, long total) {}

    /** {@code units} more are done; {@code item} names the last one (a file name), or is null. */
    default void advance(long units, String item) {}

    /** The current stage ended. */
    default void finish() {}

    ProgressListener NONE = new ProgressListener() {};
}
