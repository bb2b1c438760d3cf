package dev.lofilora.audio.loudness;

import dev.lofilora.audio.AudioBuffer;
import dev.lofilora.audio.dsp.Dsp;
import dev.lofilora.audio.dsp.DspKernels;
import dev.lofilora.audio.dsp.JavaDsp;

/**
 * K-weighted, channel-weighted signal energy summed over short "ticks", from which every BS.1770 quantity is
 * built with exact sums: the 100 ms grid of the gating blocks is a whole number of ticks, and the momentary and
 * short-term windows slide tick by tick (a hop of at most 10 ms).
 *
 * <p>Grid: {@code samplesPer100ms = (fs + 5) / 10} as in libebur128 (gating block j covers samples
 * [j*s100, j*s100 + 4*s100)); the tick is the largest divisor of s100 that is at most fs/100 samples (10 ms),
 * e.g. 480 samples at 48 kHz, 441 at 44.1 kHz. Samples after the last complete tick only enter {@link #total()}.
 */
final class KWeightedEnergy {
    /** BS.1770 channel weights for L, R, C, Ls, Rs; a 6th channel makes it 5.1 (FFmpeg order L R C LFE Ls Rs). */
    private static final double[] WEIGHTS_5 = {1.0, 1.0, 1.0, 1.41, 1.41};
    private static final double[] WEIGHTS_6 = {1.0, 1.0, 1.0, 0.0, 1.41, 1.41};
    /** A signal is split only when it is at least this many warm-ups long (the warm-up then costs under 13 %). */
    static final int SPLIT_MIN_WARMUPS = 8;
    /**
     * ... and into four segments (where the kernels run four for about the price of two) from this many warm-ups:
     * the two more warm-ups then add under 10 % to the two-segment pass's work ({@code 2w / (n + w)}).
     */
    static final int SPLIT4_MIN_WARMUPS = 20;
    /** Below this a filter state is flushed to zero: keeps the loop off denormals after digital silence. */
    private static final double DENORMAL_GUARD = 1e-30;

    final int samplesPer100ms;
    final int tickLength;
    final int ticksPer100ms;
    /** Channel-weighted sum of squared K-weighted samples per tick. */
    final double[] ticks;
    private final double total;
    /**
     * Per channel, the signed maxima and minima of the first {@link #extremeBlocks} blocks of {@link BlockStats#BLOCK}
     * samples, found in the same pass (see {@link #of(AudioBuffer, DspKernels, boolean)}); null when not asked for or
     * not found that way. The arrays are as long as {@link BlockStats} needs (every block, the partial one included).
     */
    final float[][] blockMax, blockMin;
    final int extremeBlocks;
    /**
     * Channel-weighted K-weighted energy of each of the first {@link #extremeBlocks} blocks (null with the extremes):
     * what {@link TruePeakLimiter.Prepared#aim} predicts the limited output's loudness from.
     */
    final float[] blockEnergy;

    private KWeightedEnergy(int samplesPer100ms, int tickLength, double[] ticks, double total) {
        this(samplesPer100ms, tickLength, ticks, total, null, null, 0, null);
    }

    private KWeightedEnergy(int samplesPer100ms, int tickLength, double[] ticks, double total, float[][] blockMax,
                            float[][] blockMin, int extremeBlocks, float[] blockEnergy) {
        this.samplesPer100ms = samplesPer100ms;
        this.tickLength = tickLength;
        this.ticksPer100ms = samplesPer100ms / tickLength;
        this.ticks = ticks;
        this.total = total;
        this.blockMax = blockMax;
        this.blockMin = blockMin;
        this.extremeBlocks = extremeBlocks;
        this.blockEnergy = blockEnergy;
    }

    /** The channel's {@link BlockStats}, from the extremes found in this pass where there are any. */
    BlockStats blockStats(AudioBuffer audio, int channel) {
        float[] x = audio.samples()[channel];
        return blockMax != null ? BlockStats.of(x, blockMax[channel], blockMin[channel], extremeBlocks) : BlockStats.of(x);
    }

    /** Channel-weighted energy of the whole signal, every sample included. */
    double total() { return total; }

    static double[] channelWeights(int channels) {
        if (channels >= 1 && channels <= 5) return java.util.Arrays.copyOf(WEIGHTS_5, channels);
        if (channels == 6) return WEIGHTS_6.clone();
        throw new IllegalArgumentException("loudness is defined here for 1 to 5 channels (L, R, C, Ls, Rs) or 5.1, not "
                + channels + " channels; downmix first");
    }

    static int samplesPer100ms(int sampleRate) { return (sampleRate + 5) / 10; }

    static int tickLength(int sampleRate) {
        int s100 = samplesPer100ms(sampleRate);
        int limit = Math.max(1, sampleRate / 100);
        for (int d = Math.min(limit, s100); d > 1; d--) if (s100 % d == 0) return d;
        return 1;
    }

    static KWeightedEnergy of(AudioBuffer audio) {
        return of(audio, Dsp.kernels());
    }

    /**
     * With the native kernels, a mono or stereo signal of at least {@value #SPLIT_MIN_WARMUPS} warm-ups goes through
     * {@link DspKernels#kWeight} in two segments side by side (four from {@value #SPLIT4_MIN_WARMUPS} warm-ups where
     * {@link DspKernels#kWeightSegments} says they run at the price of two; see {@link #layout}), each after the first
     * started a warm-up early from rest: the filters forget their start as n·r^n (r the largest pole radius: 0.995 at
     * 48 kHz), and the warm-up ({@link #warmupSamples}) is long enough for that to fall under 1e-40, so by a segment's
     * first stored tick its state equals the sequential one far below double rounding. The readings equal the
     * sequential ones to rounding (tests: 1e-10). With the Java kernels: one sequential pass, below.
     */
    static KWeightedEnergy of(AudioBuffer audio, DspKernels kernels) {
        return of(audio, kernels, false);
    }

    /**
     * As {@link #of(AudioBuffer, DspKernels)}; with {@code extremes}, the split pass also keeps every channel's block
     * extremes (when the tick is a whole number of blocks, e.g. 480 samples at 48 kHz), so that {@link BlockStats} need
     * not read the samples again: one pass over the samples instead of two.
     */
    static KWeightedEnergy of(AudioBuffer audio, DspKernels kernels, boolean extremes) {
        int fs = audio.sampleRate();
        double[] weights = channelWeights(audio.channels());
        int tick = tickLength(fs);
        int frames = audio.frames();
        double[] ticks = new double[frames / tick];
        double total = 0;
        double[] shelf = KWeighting.shelf(fs);
        double[] hp = KWeighting.highPass(fs);
        int warmup = (warmupSamples(shelf, hp) + tick - 1) / tick; // in ticks
        if (kernels != JavaDsp.INSTANCE && audio.channels() <= 2 && ticks.length >= SPLIT_MIN_WARMUPS * warmup) {
            return split(audio, weights, tick, ticks, shelf, hp, warmup, kernels, extremes && tick % BlockStats.BLOCK == 0);
        }
        // Channels go through the filter two at a time: the two recursions are independent, so the CPU overlaps
        // their latency chains (about twice the throughput of one channel per loop on stereo input).
        int[] used = new int[audio.channels()];
        int count = 0;
        for (int c = 0; c < audio.channels(); c++) if (weights[c] != 0) used[count++] = c;
        float[][] x = audio.samples();
        for (int i = 0; i + 1 < count; i += 2) {
            int a = used[i], b = used[i + 1];
            total += filterPair(x[a], weights[a], x[b], weights[b], shelf, hp, tick, ticks);
        }
        if (count % 2 == 1) {
            int a = used[count - 1];
            total += filterPair(x[a], weights[a], null, 0, shelf, hp, tick, ticks);
        }
        return new KWeightedEnergy(samplesPer100ms(fs), tick, ticks, total);
    }

    /**
     * The K-weighted energy of the stereo signal {@code (x * pre) * gain[i]} (float, as {@link TruePeakLimiter} makes
     * its output), written into {@code out} in the same pass, with that output's block extremes: the limiter's apply,
     * its loudness and the start of its true-peak check in one read of the input. Null where that pass does not run
     * (not stereo, the Java kernels, a tick that is not a whole number of blocks, a short signal): the caller then
     * applies the gain and measures in separate passes. The result is that of {@link #of(AudioBuffer)} on the output
     * (the same arithmetic on the same floats).
     */
    static KWeightedEnergy applied(AudioBuffer audio, float[] gain, float pre, float[][] out, DspKernels kernels) {
        int fs = audio.sampleRate();
        int tick = tickLength(fs);
        int frames = audio.frames();
        double[] ticks = new double[frames / tick];
        double[] shelf = KWeighting.shelf(fs);
        double[] hp = KWeighting.highPass(fs);
        int warmup = (warmupSamples(shelf, hp) + tick - 1) / tick;
        if (kernels == JavaDsp.INSTANCE || audio.channels() != 2 || tick % BlockStats.BLOCK != 0
                || ticks.length < SPLIT_MIN_WARMUPS * warmup) {
            return null;
        }
        float[] xa = audio.samples()[0], xb = audio.samples()[1];
        double[] weights = channelWeights(2);
        int n = ticks.length;
        // two segments: this pass also reads the gain and writes both outputs, and in four segments (twenty streams)
        // it waits on memory rather than on the recursion: slower than two (KWeightBenchmark, pass "applied")
        Layout l = layout(n, warmup, 2);
        double[] coef = {shelf[0], shelf[1], shelf[2], shelf[3], shelf[4], hp[3], hp[4]};
        double[] state = new double[8 * l.segments()], end = new double[8];
        int blocks = (frames + BlockStats.BLOCK - 1) / BlockStats.BLOCK;
        float[][] mx = new float[2][blocks], mn = new float[2][blocks];
        kernels.kWeight(xa, xb, frames, tick, l.starts(), l.count(), l.bounds(), coef, weights[0], weights[1], state,
                ticks, end, new DspKernels.KWeightExtras(gain, pre, out[0], out[1], mx[0], mn[0], mx[1], mn[1], null));
        double total = 0;
        for (double e : ticks) total += e;
        // the samples after the last whole tick: applied here, their energy from the last segment's state
        int from = n * tick;
        for (int c = 0; c < 2; c++) {
            float[] x = audio.samples()[c], y = out[c];
            for (int i = from; i < frames; i++) y[i] = x[i] * pre * gain[i];
        }
        if (from < frames) {
            total += weights[0] * tail(out[0], from, shelf, hp, end, 0) + weights[1] * tail(out[1], from, shelf, hp, end, 4);
        }
        return new KWeightedEnergy(samplesPer100ms(fs), tick, ticks, total, mx, mn, n * tick / BlockStats.BLOCK, null);
    }

    /**
     * Samples after which both K-weighting filters have forgotten their state to 1e-40: n with n·r^n below it, r the
     * largest pole radius of the two biquads (84 000 at 192 kHz, 181 000 at 384 kHz), and at least 2^16.
     */
    static int warmupSamples(double[] shelf, double[] hp) {
        double r = Math.max(poleRadius(shelf[3], shelf[4]), poleRadius(hp[3], hp[4]));
        double n = 1;
        while (n * Math.pow(r, n) > 1e-40 && n < 1e9) n *= 1.1; // n·r^n falls monotonically past 1 / -ln r
        return (int) Math.max(1 << 16, Math.ceil(n));
    }

    /** Largest |root| of z^2 + a1 z + a2. */
    private static double poleRadius(double a1, double a2) {
        double disc = a1 * a1 - 4 * a2;
        if (disc < 0) return Math.sqrt(a2);
        double sq = Math.sqrt(disc);
        return Math.max(Math.abs((-a1 + sq) / 2), Math.abs((-a1 - sq) / 2));
    }

    /**
     * Where the segments of the split pass run: segment s stores ticks [bounds[s], bounds[s + 1]) and starts
     * {@code warmup} ticks before them from rest (segment 0 at tick 0, from rest as the sequential pass), all running
     * {@code count} ticks side by side; the last one may run a few ticks past {@code n} (into the partial tick, then
     * zeros), which it does not store.
     */
    record Layout(int[] starts, int[] bounds, int count) {
        int segments() { return starts.length; }
    }

    /**
     * Segments of the split pass over {@code n} ticks: four where the kernels run them at the price of two and the
     * track is at least {@value #SPLIT4_MIN_WARMUPS} warm-ups long, else two.
     */
    static int segments(int n, int warmup, DspKernels kernels) {
        return kernels.kWeightSegments() >= 4 && n >= SPLIT4_MIN_WARMUPS * warmup ? 4 : 2;
    }

    /**
     * The layout of {@code segments} segments over {@code n} ticks that costs least: every segment runs the same number
     * of ticks, {@code count = ceil((n + (segments - 1) · warmup) / segments)}; needs {@code n > warmup}.
     */
    static Layout layout(int n, int warmup, int segments) {
        if (n <= warmup || segments < 1) throw new IllegalArgumentException(n + " ticks, warm-up " + warmup);
        int count = (n + (segments - 1) * warmup + segments - 1) / segments;
        int[] starts = new int[segments], bounds = new int[segments + 1];
        for (int s = 1; s < segments; s++) {
            bounds[s] = s * count - (s - 1) * warmup; // segment s - 1 stores count - warmup ticks (segment 0: count)
            starts[s] = bounds[s] - warmup;
        }
        bounds[segments] = n;
        return new Layout(starts, bounds, count);
    }

    /** See {@link #of(AudioBuffer, DspKernels)}. */
    private static KWeightedEnergy split(AudioBuffer audio, double[] weights, int tick, double[] ticks, double[] shelf,
                                         double[] hp, int warmup, DspKernels kernels, boolean extremes) {
        float[][] x = audio.samples();
        boolean two = x.length == 2;
        float[] xa = x[0], xb = two ? x[1] : x[0];
        double wa = weights[0], wb = two ? weights[1] : 0.0;
        int n = ticks.length;
        Layout l = layout(n, warmup, segments(n, warmup, kernels));
        double[] coef = {shelf[0], shelf[1], shelf[2], shelf[3], shelf[4], hp[3], hp[4]};
        double[] state = new double[8 * l.segments()], end = new double[8];
        float[][] mx = null, mn = null;
        float[] energy = null;
        DspKernels.KWeightExtras extras = null;
        if (extremes) {
            int blocks = (audio.frames() + BlockStats.BLOCK - 1) / BlockStats.BLOCK;
            mx = new float[x.length][blocks];
            mn = new float[x.length][blocks];
            energy = new float[n * tick / BlockStats.BLOCK];
            // mono: channel b is channel a again, its extremes written twice into the same arrays
            extras = DspKernels.KWeightExtras.extremes(mx[0], mn[0], mx[two ? 1 : 0], mn[two ? 1 : 0], energy);
        }
        kernels.kWeight(xa, xb, audio.frames(), tick, l.starts(), l.count(), l.bounds(), coef, wa, wb, state, ticks, end,
                extras);
        double total = 0;
        for (double e : ticks) total += e;
        // the samples after the last whole tick, continuing the last segment's state
        int from = n * tick;
        if (from < audio.frames()) {
            double ea = tail(xa, from, shelf, hp, end, 0), eb = two ? tail(xb, from, shelf, hp, end, 4) : 0.0;
            total += wa * ea + (two ? wb * eb : 0.0);
        }
        return new KWeightedEnergy(samplesPer100ms(audio.sampleRate()), tick, ticks, total, mx, mn,
                extremes ? n * tick / BlockStats.BLOCK : 0, energy);
    }

    /** Sum of squared K-weighted samples of x[from ..] from the state at state[off .. off + 4). */
    private static double tail(float[] x, int from, double[] shelf, double[] hp, double[] state, int off) {
        final double b0 = shelf[0], b1 = shelf[1], b2 = shelf[2], a1 = shelf[3], a2 = shelf[4], h1 = hp[3], h2 = hp[4];
        double s1 = state[off], s2 = state[off + 1], t1 = state[off + 2], t2 = state[off + 3], acc = 0;
        for (int i = from; i < x.length; i++) {
            double in = x[i];
            double y = b0 * in + s1;
            s1 = b1 * in - a1 * y + s2;
            s2 = b2 * in - a2 * y;
            double z = y + t1;
            t1 = -2.0 * y - h1 * z + t2;
            t2 = y - h2 * z;
            acc += z * z;
        }
        return acc;
    }

    /**
     * Runs both biquads (transposed direct form II, double) over channels {@code xa} and {@code xb} (null: none),
     * adding the weighted energy per tick to {@code ticks}; returns the weighted energy over all samples.
     */
    private static double filterPair(float[] xa, double wa, float[] xb, double wb, double[] shelf, double[] hp,
                                     int tick, double[] ticks) {
        final double b0 = shelf[0], b1 = shelf[1], b2 = shelf[2], a1 = shelf[3], a2 = shelf[4];
        final double h1 = hp[3], h2 = hp[4];
        final boolean two = xb != null;
        final float[] xs = two ? xb : xa; // read something harmless when there is no second channel
        double s1 = 0, s2 = 0, t1 = 0, t2 = 0; // channel a: shelf and high-pass states
        double u1 = 0, u2 = 0, v1 = 0, v2 = 0; // channel b
        double all = 0;
        int n = xa.length;
        for (int start = 0, t = 0; start < n; start += tick, t++) {
            int end = Math.min(start + tick, n);
            double accA = 0, accB = 0;
            for (int i = start; i < end; i++) {
                double in = xa[i];
                double y = b0 * in + s1;
                s1 = b1 * in - a1 * y + s2;
                s2 = b2 * in - a2 * y;
                double z = y + t1; // high-pass numerator is {1, -2, 1}
                t1 = -2.0 * y - h1 * z + t2;
                t2 = y - h2 * z;
                accA += z * z;

                double inB = xs[i];
                double yb = b0 * inB + u1;
                u1 = b1 * inB - a1 * yb + u2;
                u2 = b2 * inB - a2 * yb;
                double zb = yb + v1;
                v1 = -2.0 * yb - h1 * zb + v2;
                v2 = yb - h2 * zb;
                accB += zb * zb;
            }
            if (Math.abs(s1) < DENORMAL_GUARD) s1 = 0;
            if (Math.abs(s2) < DENORMAL_GUARD) s2 = 0;
            if (Math.abs(t1) < DENORMAL_GUARD) t1 = 0;
            if (Math.abs(t2) < DENORMAL_GUARD) t2 = 0;
            if (Math.abs(u1) < DENORMAL_GUARD) u1 = 0;
            if (Math.abs(u2) < DENORMAL_GUARD) u2 = 0;
            if (Math.abs(v1) < DENORMAL_GUARD) v1 = 0;
            if (Math.abs(v2) < DENORMAL_GUARD) v2 = 0;
            double e = wa * accA + (two ? wb * accB : 0.0);
            if (t < ticks.length) ticks[t] += e;
            all += e;
        }
        return all;
    }

    /** Energies of the complete 100 ms blocks, each summed over its ticks. */
    double[] blocks100ms() {
        int n = ticks.length / ticksPer100ms;
        double[] b = new double[n];
        for (int j = 0, t = 0; j < n; j++) {
            double s = 0;
            for (int k = 0; k < ticksPer100ms; k++) s += ticks[t++];
            b[j] = s;
        }
        return b;
    }

    /**
     * Mean-square energy of every window of {@code windowTicks} ticks, hopping one tick. If the signal is shorter
     * than one window, a single value: its whole energy over the window length (a meter started on silence).
     */
    double[] slidingMeans(int windowTicks) {
        double norm = 1.0 / ((double) windowTicks * tickLength);
        int count = ticks.length - windowTicks + 1;
        if (count <= 0) return new double[] {total * norm};
        double[] out = new double[count];
        double sum = 0;
        for (int t = 0; t < windowTicks; t++) sum += ticks[t];
        out[0] = sum * norm;
        for (int i = 1; i < count; i++) {
            if (i % 1024 == 0) { // re-sum exactly now and then so rounding never accumulates
                sum = 0;
                for (int t = i; t < i + windowTicks; t++) sum += ticks[t];
            } else {
                sum += ticks[i + windowTicks - 1] - ticks[i - 1];
            }
            out[i] = Math.max(0.0, sum) * norm;
        }
        return out;
    }
}
