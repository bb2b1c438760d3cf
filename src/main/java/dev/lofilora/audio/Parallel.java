package dev.lofilora.audio;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.function.IntConsumer;

/**
 * How many threads one file's stages may use, and a way to use them: {@link #run} splits a loop into parts that run
 * on a {@link ForkJoinPool} (the caller's own pool when it is a worker of one, so idle workers steal the parts) and
 * waits for them. Stages split work so that the result does not depend on the split: the same bytes on 1 or n
 * threads. {@link #SERIAL} runs everything on the calling thread.
 */
public record Parallel(int threads, ForkJoinPool pool) {
    public static final Parallel SERIAL = new Parallel(1, null);

    public Parallel {
        if (threads < 1) throw new IllegalArgumentException("threads " + threads);
        if (threads > 1 && pool == null) throw new IllegalArgumentException("a pool is needed for " + threads + " threads");
    }

    /** Runs {@code part.accept(i)} for i in [0, parts), in parallel when there are threads for it; returns when all are done. */
    public void run(int parts, IntConsumer part) {
        if (parts <= 1 || threads == 1) {
            for (int i = 0; i < parts; i++) part.accept(i);
            return;
        }
        List<ForkJoinTask<?>> tasks = new ArrayList<>(parts - 1);
        for (int i = 1; i < parts; i++) {
            int p = i;
            tasks.add(ForkJoinTask.adapt(() -> part.accept(p)));
        }
        if (ForkJoinTask.inForkJoinPool() && ForkJoinTask.getPool() == pool) {
            for (ForkJoinTask<?> t : tasks) t.fork();
        } else {
            for (ForkJoinTask<?> t : tasks) pool.execute(t);
        }
        part.accept(0);
        for (ForkJoinTask<?> t : tasks) t.join();
    }
}
