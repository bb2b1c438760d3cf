package dev.lofilora.audio.loudness;

/**
 * A polyphase oversampling interpolator for true-peak measurement: phase {@code p} of the output at input index
 * {@code n} is {@code sum_k h[p][k] * x[n - k]} (zeros outside the signal; the tail is flushed so the last
 * inter-sample peaks are seen too). Phases that are a pure delay (one tap of exactly 1) are dropped because they
 * only repeat input samples, and every true-peak reading is taken as max(interpolated, sample peak) anyway.
 *
 * <p>Two interpolators are provided:
 * <ul>
 * <li>{@link #itu()}: the ITU-R BS.1770 Annex 2 example, 48 taps, 4 phases of 12;</li>
 * <li>{@link #ebur128(int)}: libebur128's 49-tap Hann-windowed sinc, factor 4 below 96 kHz, 2 below 192 kHz,
 * none (null) at or above 192 kHz. libebur128 keeps its state in float32; here everything is double, which
 * changes readings by far less than 0.001 dB.</li>
 * </ul>
 *
 * <p>Speed: a block of outputs can only exceed {@code boundGain * max|x|} over the samples it reads
 * ({@code boundGain} = the largest sum of |h| over one phase). Blocks whose bound cannot beat the running maximum
 * (or the limiter's threshold) are skipped; this is exact, not an approximation. Immutable and thread-safe.
 */
final class TruePeakFilter {
    /** Samples per block for the max-|x| table used by the skip bound; must be at least {@link #length}. */
    static final int BLOCK = 64;

    // ITU-R BS.1770-5 Annex 2, phase 0 and phase 1; phase 3 = phase 0 reversed, phase 2 = phase 1 reversed.
    private static final double[] ITU_PHASE0 = {0.0017089843750, 0.0109863281250, -0.0196533203125,
            0.0332031250000, -0.0594482421875, 0.1373291015625, 0.9721679687500, -0.1022949218750,
            0.0476074218750, -0.0266113281250, 0.0148925781250, -0.0083007812500};
    private static final double[] ITU_PHASE1 = {-0.0291748046875, 0.0292968750000, -0.0517578125000,
            0.0891113281250, -0.1665039062500, 0.4650878906250, 0.7797851562500, -0.2003173828125,
            0.1015625000000, -0.0582275390625, 0.0330810546875, -0.0189208984375};

    private final int factor;
    private final int length;
    private final double[][] phases;
    /** Time of each kept phase's output relative to its input index n, in input samples (negative: a delay). */
    private final double[] offsets;
    private final double boundGain;

    private TruePeakFilter(int factor, double[][] allPhases, double delayInOversampled) {
        this.factor = factor;
        int kept = 0;
        for (double[] h : allPhases) if (!isPureDelay(h)) kept++;
        this.phases = new double[kept][];
        this.offsets = new double[kept];
        int len = 0;
        double bound = 0;
        int i = 0;
        for (int p = 0; p < allPhases.length; p++) {
            double[] h = allPhases[p];
            if (isPureDelay(h)) continue;
            phases[i] = h;
            offsets[i] = (p - delayInOversampled) / factor;
            double s = 0;
            for (double c : h) s += Math.abs(c);
            bound = Math.max(bound, s);
            len = Math.max(len, h.length);
            i++;
        }
        this.length = len;
        // A hair above 1 so that rounding in the bound can never skip a block that holds the maximum.
        this.boundGain = bound * (1.0 + 1e-9);
    }

    /** The BS.1770 Annex 2 48-tap, 4-phase interpolator (used at every sample rate). */
    static TruePeakFilter itu() {
        double[][] p = new double[4][12];
        for (int k = 0; k < 12; k++) {
            p[0][k] = ITU_PHASE0[k];
            p[1][k] = ITU_PHASE1[k];
            p[2][k] = ITU_PHASE1[11 - k];
            p[3][k] = ITU_PHASE0[11 - k];
        }
        return new TruePeakFilter(4, p, 23.5);
    }

    /** libebur128's interpolator for {@code sampleRate}, or null where it does not oversample (>= 192 kHz). */
    static TruePeakFilter ebur128(int sampleRate) {
        int factor = sampleRate < 96000 ? 4 : sampleRate < 192000 ? 2 : 1;
        if (factor == 1) return null;
        int taps = 49;
        int delays = (taps + factor - 1) / factor;
        double[][] p = new double[factor][delays];
        for (int j = 0; j < taps; j++) {
            int m = j - taps / 2;
            double c = m == 0 ? 1.0 : Math.sin(m * Math.PI / factor) / (m * Math.PI / factor);
            c *= 0.5 * (1.0 - Math.cos(2.0 * Math.PI * j / (taps - 1)));
            if (Math.abs(c) > 1e-6) p[j % factor][j / factor] = c; // libebur128 drops taps with |c| <= 1e-6
        }
        return new TruePeakFilter(factor, p, (taps - 1) / 2.0);
    }

    int factor() { return factor; }

    /** The kept phases (copies), for tests. */
    double[][] phases() {
        double[][] c = new double[phases.length][];
        for (int i = 0; i < c.length; i++) c[i] = phases[i].clone();
        return c;
    }

    /** Input samples each output reads (the filter's span). */
    int length() { return length; }

    private static boolean isPureDelay(double[] h) {
        int nonZero = 0;
        boolean one = false;
        for (double c : h) {
            if (c != 0) nonZero++;
            if (c == 1.0) one = true;
        }
        return nonZero == 1 && one;
    }

    /** max|x| per {@link #BLOCK} samples, and the overall sample peak in the last slot. */
    static float[] blockMax(float[] x) {
        int blocks = (x.length + BLOCK - 1) / BLOCK;
        float[] m = new float[blocks + 1];
        float peak = 0;
        for (int b = 0; b < blocks; b++) {
            int s = b * BLOCK, e = Math.min(s + BLOCK, x.length);
            float v = 0;
            for (int i = s; i < e; i++) {
                float a = Math.abs(x[i]);
                if (a > v) v = a;
            }
            m[b] = v;
            if (v > peak) peak = v;
        }
        m[blocks] = peak;
        return m;
    }

    /**
     * The largest |interpolated output| of {@code x}, or {@code floor} if none is larger.
     *
     * @param blockMax {@link #blockMax(float[])} of x
     */
    double peak(float[] x, float[] blockMax, double floor) {
        double best = floor;
        int outEnd = x.length + length - 1;
        int inBlocks = blockMax.length - 1;
        for (int s = 0, b = 0; s < outEnd; s += BLOCK, b++) {
            double local = Math.max(b < inBlocks ? blockMax[b] : 0f, b > 0 && b - 1 < inBlocks ? blockMax[b - 1] : 0f);
            if (local * boundGain <= best) continue;
            int e = Math.min(s + BLOCK, outEnd);
            for (double[] h : phases) {
                double m = s >= length - 1 && e <= x.length ? maxAbsInterior(x, h, s, e) : maxAbsEdge(x, h, s, e);
                if (m > best) best = m;
            }
        }
        return best;
    }

    /**
     * Raises {@code env[t]} to every |interpolated output| above {@code threshold}, at the two input samples either
     * side of the output's time (so a gain curve that holds at both neighbours holds at the inter-sample point).
     */
    void envelope(float[] x, float[] blockMax, double threshold, float[] env) {
        int outEnd = x.length + length - 1;
        int inBlocks = blockMax.length - 1;
        for (int s = 0, b = 0; s < outEnd; s += BLOCK, b++) {
            double local = Math.max(b < inBlocks ? blockMax[b] : 0f, b > 0 && b - 1 < inBlocks ? blockMax[b - 1] : 0f);
            if (local * boundGain <= threshold) continue;
            int e = Math.min(s + BLOCK, outEnd);
            for (int p = 0; p < phases.length; p++) {
                double[] h = phases[p];
                for (int n = s; n < e; n++) {
                    double y = Math.abs(output(x, h, n));
                    if (y <= threshold) continue;
                    double t = n + offsets[p];
                    int lo = (int) Math.floor(t);
                    float v = (float) y;
                    if (lo >= 0 && lo < env.length && env[lo] < v) env[lo] = v;
                    if (lo + 1 >= 0 && lo + 1 < env.length && env[lo + 1] < v) env[lo + 1] = v;
                }
            }
        }
    }

    private static double maxAbsInterior(float[] x, double[] h, int s, int e) {
        int len = h.length;
        double m = 0;
        for (int n = s; n < e; n++) {
            double acc = 0;
            for (int k = 0; k < len; k++) acc += h[k] * x[n - k];
            acc = Math.abs(acc);
            if (acc > m) m = acc;
        }
        return m;
    }

    private static double maxAbsEdge(float[] x, double[] h, int s, int e) {
        double m = 0;
        for (int n = s; n < e; n++) m = Math.max(m, Math.abs(output(x, h, n)));
        return m;
    }

    private static double output(float[] x, double[] h, int n) {
        double acc = 0;
        for (int k = 0; k < h.length; k++) {
            int i = n - k;
            if (i >= 0 && i < x.length) acc += h[k] * x[i];
        }
        return acc;
    }
}
