package dev.lofilora.tensor;

import org.bytedeco.openblas.global.openblas;
import org.bytedeco.pytorch.global.torch;

/**
 * libtorch's CPU thread counts. The CPU build links OpenBLAS, whose GEMMs run on OpenBLAS's own pthread pool, separate
 * from ATen's OpenMP threads: {@code torch.set_num_threads} does not reach it. On a busy machine those pool threads
 * wait for a core after every small matrix product (a [64, 64] × [64, 256] linear took 3.7 ms instead of 0.1 ms on the
 * shared 2-core CI machine), so both are set together. OpenBLAS's copy in the pytorch natives is the one the
 * {@code org.bytedeco.openblas} preset's {@code blas_set_num_threads} reaches (same library, loaded once). Both
 * settings are process-global: {@link #limit} returns a handle that restores the previous counts.
 */
public final class Threads implements AutoCloseable {
    private final int torchBefore;
    private final int blasBefore;

    private Threads(int torchBefore, int blasBefore) {
        this.torchBefore = torchBefore;
        this.blasBefore = blasBefore;
    }

    /** Sets ATen's intra-op and OpenBLAS's threads to {@code n} (≥ 1) until the handle is closed. */
    public static Threads limit(int n) {
        if (n < 1) throw new IllegalArgumentException("threads must be ≥ 1, got " + n);
        Threads previous = new Threads(torch.get_num_threads(), openblas.blas_get_num_threads());
        set(n, n);
        return previous;
    }

    private static void set(int torchThreads, int blasThreads) {
        torch.set_num_threads(torchThreads);
        if (blasThreads > 0) openblas.blas_set_num_threads(blasThreads);
    }

    @Override
    public void close() {
        set(torchBefore, blasBefore);
    }
}
