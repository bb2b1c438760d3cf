package dev.lofilora.audio.loudness;

/**
 * Builds the limiter's gain curve in place from a peak envelope (see {@link TruePeakLimiter}): required gain,
 * look-ahead minimum hold, exponential release, two moving averages. Every step is O(n) with no allocation beyond
 * two arrays of the look-ahead length.
 */
final class GainCurve {
    private GainCurve() {}

    /**
     * @param envelope per-sample peak (0 where nothing exceeds the target); replaced by the gain curve
     * @param target   the level no sample or interpolated value may exceed after gain
     * @param box      moving-average length L; the look-ahead hold spans 2L - 1 samples
     * @param release  per-sample decay factor of the gain reduction (1 - g)
     */
    static void build(float[] envelope, float target, int box, double release) {
        float[] g = envelope;
        for (int i = 0; i < g.length; i++) g[i] = g[i] > target ? target / g[i] : 1f;
        forwardMin(g, 2 * box - 1);
        // release: gain reduction decays exponentially; the attack is already in the hold
        double r = 1.0;
        for (int i = 0; i < g.length; i++) {
            double rel = 1.0 - (1.0 - r) * release;
            r = Math.min(g[i], rel);
            if (r > 1.0 - 1e-9) r = 1.0;
            g[i] = (float) r;
        }
        movingAverage(g, box);
        movingAverage(g, box);
    }

    /** In place: g[i] = min(g[i .. i + w - 1]) (values past the end count as 1), with a monotonic deque. */
    static void forwardMin(float[] g, int w) {
        if (w <= 1) return;
        int n = g.length;
        int[] deque = new int[w + 1];
        // ring-buffer deque of indices with increasing values; scanning backwards gives the forward window
        int head = 0, size = 0;
        float[] window = new float[w + 1]; // values of the indices in the deque (g is overwritten while scanning)
        for (int i = n - 1; i >= 0; i--) {
            float v = g[i];
            // drop indices that left the window [i, i + w - 1]
            while (size > 0 && deque[head] > i + w - 1) { head = (head + 1) % deque.length; size--; }
            // drop larger values from the back: they can never be the minimum again
            while (size > 0 && window[(head + size - 1) % deque.length] >= v) size--;
            int slot = (head + size) % deque.length;
            deque[slot] = i;
            window[slot] = v;
            size++;
            g[i] = window[head];
        }
    }

    /**
     * In place: g[i] = mean(g[i - L + 1 .. i]) with values before the start counted as g[0] (so a reduction needed
     * in the first samples is already in place at sample 0: the look-ahead cannot reach before the file).
     */
    static void movingAverage(float[] g, int length) {
        if (length <= 1 || g.length == 0) return;
        float[] ring = new float[length];
        java.util.Arrays.fill(ring, g[0]);
        double sum = 0;
        for (float f : ring) sum += f;
        int pos = 0;
        for (int i = 0; i < g.length; i++) {
            float v = g[i];
            sum += v - ring[pos];
            ring[pos] = v;
            pos = pos + 1 == length ? 0 : pos + 1;
            if ((i & 4095) == 4095) { // exact re-sum now and then so rounding cannot drift
                sum = 0;
                for (float f : ring) sum += f;
            }
            // a window of exact ones stays exactly 1, so untouched stretches pass bit-identical
            g[i] = sum >= length ? 1f : (float) (sum / length);
        }
    }
}
