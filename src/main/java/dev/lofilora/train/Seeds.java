package dev.lofilora.train;

/**
 * Seeds derived from the run's seed and a position (epoch, batch, item; step, micro-batch), so every random choice of
 * a run is a function of where it happens, not of what ran before. That is what makes a resumed run exact: nothing
 * but the step and the data position must be restored. SplitMix64 mixing (Steele et al.), by hand because it is four
 * lines and no library offers a keyed variant.
 */
final class Seeds {
    private Seeds() {}

    static long mix(long... parts) {
        long h = 0x9E3779B97F4A7C15L;
        for (long p : parts) {
            h ^= p;
            h = splitmix(h);
        }
        return h;
    }

    private static long splitmix(long z) {
        z += 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
