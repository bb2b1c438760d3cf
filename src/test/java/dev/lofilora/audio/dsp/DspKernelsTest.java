package dev.lofilora.audio.dsp;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The native kernels against the Java reference, on random data with random filters: the same numbers to float
 * rounding (the native bodies use fused multiply-adds and another summation order, so a sum of n products may
 * differ by a few roundings of the sum of their magnitudes; the bounds below are 4 × n × 2^-24 × that sum).
 */
class DspKernelsTest {
    private static final DspKernels REF = JavaDsp.INSTANCE;

    private static DspKernels nat() {
        DspKernels k = Dsp.nativeKernels();
        assertNotNull(k, "the native library must load where the build made it: " + Dsp.nativeProblem());
        return k;
    }

    @Test
    void nativeLibraryIsBuiltAndChosen() {
        assertTrue(nat().describe().startsWith("native"), nat().describe());
        assertTrue(Dsp.usingNative() || "java".equalsIgnoreCase(System.getProperty("lofi.dsp")));
    }

    @Test
    void truePeakSearchAgreesWithTheReference() {
        Random rnd = new Random(11);
        for (int trial = 0; trial < 40; trial++) {
            int phases = 1 + rnd.nextInt(4), ntaps = 1 + rnd.nextInt(25);
            float[] taps = new float[phases * ntaps];
            for (int i = 0; i < taps.length; i++) taps[i] = (float) rnd.nextGaussian() * 0.3f;
            int frames = 64 + rnd.nextInt(4000);
            float[] x = signal(rnd, frames);
            int blocks = frames / 16;
            float[] bound = new float[blocks];
            for (int b = 0; b < blocks; b++) bound[b] = rnd.nextInt(3) == 0 ? 0f : 10f; // some blocks pruned
            int b0 = (ntaps - 1 + 15) / 16;
            if (b0 >= blocks) continue;
            float want = REF.tpPeak(x, bound, b0, blocks, 0.01f, taps, phases, ntaps);
            float got = nat().tpPeak(x, bound, b0, blocks, 0.01f, taps, phases, ntaps);
            assertEquals(want, got, tolerance(ntaps, taps, want), "trial " + trial);
            // a running best above everything: nothing beats it, it comes back unchanged
            assertEquals(100f, nat().tpPeak(x, bound, b0, blocks, 100f, taps, phases, ntaps), 0f);
        }
    }

    @Test
    void bothSearchesReportTheExactMaximumOfEveryBlockEitherComputes() {
        Random rnd = new Random(21);
        for (int[] ph : new int[][] {{4, 3}, {4, 1}}) { // the pairs the native body has (48 kHz: ITU with libebur128's)
            for (int trial = 0; trial < 12; trial++) {
                int ntaps = 13;
                float[] tapsA = new float[ph[0] * ntaps], tapsB = new float[ph[1] * ntaps];
                for (int i = 0; i < tapsA.length; i++) tapsA[i] = (float) rnd.nextGaussian() * 0.3f;
                for (int i = 0; i < tapsB.length; i++) tapsB[i] = (float) rnd.nextGaussian() * 0.3f;
                int frames = 512 + rnd.nextInt(6000), blocks = frames / 16, b0 = 1;
                float[] x = signal(rnd, frames);
                float[] bound = new float[blocks];
                for (int b = 0; b < blocks; b++) bound[b] = rnd.nextInt(4) == 0 ? 0.2f : 10f; // some blocks pruned
                for (DspKernels k : new DspKernels[] {REF, nat()}) {
                    float[] plain = {0.05f, 0.3f}, best = plain.clone(), exact = new float[blocks];
                    java.util.Arrays.fill(exact, -1f); // "not computed"
                    k.tpPeak2(x, bound, b0, blocks, plain, tapsA, ph[0], tapsB, ph[1], ntaps, null);
                    k.tpPeak2(x, bound, b0, blocks, best, tapsA, ph[0], tapsB, ph[1], ntaps, exact);
                    assertArrayEquals(plain, best, 0f, k.describe() + ": the same maxima with block peaks asked for");
                    int computed = 0;
                    for (int b = 0; b < blocks; b++) {
                        // every block that could beat either final maximum was computed, for both filters
                        boolean needed = b >= b0 && (bound[b] > best[0] || bound[b] > best[1]);
                        if (needed) assertTrue(exact[b] >= 0f, k.describe() + ": block " + b + " not computed");
                        if (exact[b] < 0f) continue;
                        computed++;
                        float want = Math.max(REF.tpPeak(x, bound, b, b + 1, 0f, tapsA, ph[0], ntaps),
                                REF.tpPeak(x, bound, b, b + 1, 0f, tapsB, ph[1], ntaps));
                        float tol = Math.max(tolerance(ntaps, tapsA, want), tolerance(ntaps, tapsB, want));
                        assertEquals(want, exact[b], k == REF ? 0f : tol, k.describe() + ": block " + b);
                    }
                    assertTrue(computed > 0 && computed < blocks - b0, computed + " of " + blocks);
                }
            }
        }
    }

    @Test
    void unpackingOverTheSourceFindsTheLargestDeviationFromIt() {
        Random rnd = new Random(22);
        int frames = 50001;
        float[] l = signal(rnd, frames), r = signal(rnd, frames);
        float peak = 0f;
        for (int i = 0; i < frames; i++) peak = Math.max(peak, Math.max(Math.abs(l[i]), Math.abs(r[i])));
        for (int i = 0; i < frames; i++) { l[i] *= 0.85f / peak; r[i] *= 0.85f / peak; } // in full scale after the gain
        float gain = 1.1220185f;
        byte[] pcm = new byte[frames * 6];
        REF.pack24Stereo(l, r, 0, frames, gain, pcm);
        float[] plainL = new float[frames], plainR = new float[frames];
        REF.unpack24Stereo(pcm, frames, plainL, plainR, 0);
        double want = 0; // |y − x·g| with the product exact (in double): each check is within a rounding of it
        for (int i = 0; i < frames; i++) {
            want = Math.max(want, Math.abs(plainL[i] - (double) l[i] * gain));
            want = Math.max(want, Math.abs(plainR[i] - (double) r[i] * gain));
        }
        assertTrue(want <= 0x1p-24 + 0x1p-25 && want > 0x1p-25, "half a step plus a product's rounding: " + want);
        for (DspKernels k : new DspKernels[] {REF, nat()}) {
            float[] a = l.clone(), b = r.clone();
            float dev = k.unpack24StereoCheck(pcm, frames, a, b, 0, gain, 0f);
            assertTrue(java.util.Arrays.equals(a, plainL) && java.util.Arrays.equals(b, plainR), k.describe());
            assertEquals(want, dev, 0x1p-25, k.describe());
            // in pieces (the running deviation carried), and one sample off by two steps: found
            a = l.clone();
            b = r.clone();
            b[777] += 2f / 8388608f;
            float d = 0f;
            for (int at = 0; at < frames; at += 1000) {
                int n = Math.min(1000, frames - at);
                byte[] part = java.util.Arrays.copyOfRange(pcm, at * 6, (at + n) * 6);
                d = k.unpack24StereoCheck(part, n, a, b, at, gain, d);
            }
            assertTrue(d >= 2f / 8388608f * gain - 0x1p-23f, k.describe() + ": " + d);
            // a NaN in the source, or one carried in, makes the deviation NaN
            a = l.clone();
            b = r.clone();
            a[frames - 3] = Float.NaN;
            assertTrue(Float.isNaN(k.unpack24StereoCheck(pcm, frames, a, b, 0, gain, 0f)), k.describe());
            assertTrue(Float.isNaN(k.unpack24StereoCheck(pcm, 9, l.clone(), r.clone(), 0, gain, Float.NaN)));
        }
    }

    @Test
    void truePeakEnvelopeAgreesWithTheReference() {
        Random rnd = new Random(12);
        for (int trial = 0; trial < 40; trial++) {
            int phases = 1 + rnd.nextInt(4), ntaps = 1 + rnd.nextInt(13);
            float[] taps = new float[phases * ntaps];
            for (int i = 0; i < taps.length; i++) taps[i] = (float) rnd.nextGaussian() * 0.3f;
            int[] lag = new int[phases];
            for (int p = 0; p < phases; p++) lag[p] = -rnd.nextInt(8);
            int frames = 64 + rnd.nextInt(3000);
            float[] x = signal(rnd, frames);
            int blocks = frames / 16;
            float[] bound = new float[blocks];
            java.util.Arrays.fill(bound, 10f);
            int b0 = (ntaps - 1 + 15) / 16;
            if (b0 >= blocks) continue;
            float threshold = 0.5f * REF.tpPeak(x, bound, b0, blocks, 0f, taps, phases, ntaps);
            float[] want = new float[frames], got = new float[frames];
            REF.tpEnvelope(x, bound, b0, blocks, threshold, taps, phases, ntaps, lag, want);
            nat().tpEnvelope(x, bound, b0, blocks, threshold, taps, phases, ntaps, lag, got);
            int marked = 0;
            for (int i = 0; i < frames; i++) {
                // an output within rounding of the threshold may be marked by one and not the other: compare values
                // that are clearly above it
                if (want[i] > 1.01f * threshold || got[i] > 1.01f * threshold) {
                    assertEquals(want[i], got[i], tolerance(ntaps, taps, want[i]), "trial " + trial + " at " + i);
                    marked++;
                }
            }
            assertTrue(marked > 0, "trial " + trial + " marked nothing");
        }
    }

    @Test
    void resamplerAgreesWithTheReferenceForOneAndTwoChannels() {
        Random rnd = new Random(13);
        int L = 160, M = 147, padded = 128;
        float[] bank = new float[L * padded];
        for (int i = 0; i < bank.length; i++) bank[i] = (float) rnd.nextGaussian() / 32f;
        float[] x0 = signal(rnd, 20000), x1 = signal(rnd, 20000);
        int count = 15000;
        for (boolean two : new boolean[] {false, true}) {
            float[] w0 = new float[count + 10], w1 = new float[count + 10], g0 = new float[count + 10], g1 = new float[count + 10];
            REF.resample(x0, two ? x1 : null, w0, two ? w1 : null, 10, count, 5, 37, bank, padded, L, M / L, M % L);
            nat().resample(x0, two ? x1 : null, g0, two ? g1 : null, 10, count, 5, 37, bank, padded, L, M / L, M % L);
            for (int i = 0; i < count + 10; i++) {
                assertEquals(w0[i], g0[i], 4e-6, "channel 0 at " + i);
                if (two) assertEquals(w1[i], g1[i], 4e-6, "channel 1 at " + i);
            }
        }
        // the window of the last output must lie inside x: the native call refuses what would read past it
        assertThrows(IllegalArgumentException.class, () -> nat().resample(x0, null, new float[30000], null, 0, 30000, 5, 0,
                bank, padded, L, M / L, M % L));
    }

    /**
     * The native resampler computes 32 outputs at a time in a pattern that repeats every lcm(L, 32) outputs; calls
     * that start and end anywhere in that pattern (as the chunking and the threads cut them) must give the bytes of
     * one whole call, for one and two channels, up- and downsampling, and L not a multiple of 32, and still agree
     * with the reference.
     */
    @Test
    void resamplerGivesTheSameBytesHoweverTheOutputsAreSplit() {
        Random rnd = new Random(29);
        int[][] ratios = {{160, 147, 128}, {3, 2, 128}, {1, 2, 256}, {320, 147, 128}, {6, 1, 128}};
        for (int[] r : ratios) {
            int L = r[0], M = r[1], padded = r[2];
            float[] bank = new float[L * padded];
            for (int i = 0; i < bank.length; i++) bank[i] = (float) rnd.nextGaussian() / 32f;
            int count = 6000;
            int frames = (int) ((long) (count + 7) * M / L) + padded + 3;
            float[] x0 = signal(rnd, frames), x1 = signal(rnd, frames);
            int p0 = rnd.nextInt(L), q0 = 3;
            for (boolean two : new boolean[] {false, true}) {
                float[] w0 = new float[count], w1 = new float[count], s0 = new float[count], s1 = new float[count];
                float[] ref0 = new float[count], ref1 = new float[count];
                nat().resample(x0, two ? x1 : null, w0, two ? w1 : null, 0, count, q0, p0, bank, padded, L, M / L, M % L);
                REF.resample(x0, two ? x1 : null, ref0, two ? ref1 : null, 0, count, q0, p0, bank, padded, L, M / L, M % L);
                int q = q0, p = p0;
                for (int done = 0, n = 1; done < count; n = n * 7 % 997 + 1) {
                    int c = Math.min(n, count - done);
                    nat().resample(x0, two ? x1 : null, s0, two ? s1 : null, done, c, q, p, bank, padded, L, M / L, M % L);
                    long pp = p + (long) c * (M % L);
                    q += c * (M / L) + (int) (pp / L);
                    p = (int) (pp % L);
                    done += c;
                }
                String what = "L " + L + ", M " + M + (two ? ", two channels" : ", one channel");
                assertArrayEquals(w0, s0, "split vs whole, channel 0, " + what);
                if (two) assertArrayEquals(w1, s1, "split vs whole, channel 1, " + what);
                for (int i = 0; i < count; i++) {
                    assertEquals(ref0[i], w0[i], 4e-6, "native vs reference, channel 0 at " + i + ", " + what);
                    if (two) assertEquals(ref1[i], w1[i], 4e-6, "native vs reference, channel 1 at " + i + ", " + what);
                }
            }
        }
    }

    @Test
    void blockExtremesAndPcmPackingAreExactlyTheReference() {
        Random rnd = new Random(14);
        int frames = 70001;
        float[] l = signal(rnd, frames), r = signal(rnd, frames);
        // values on and past the 24-bit limits, exact halves (round half to even) and tiny ones
        l[0] = 1f; l[1] = -1f; l[2] = 1.5f; l[3] = -1.5f; l[4] = 0.5f / 8388608f; l[5] = 1.5f / 8388608f;
        l[6] = -2.5f / 8388608f; l[7] = (8388607.5f) / 8388608f; l[8] = 0f; l[9] = -0f;
        int blocks = frames / 16;
        float[] mx = new float[blocks], mn = new float[blocks], mx2 = new float[blocks], mn2 = new float[blocks];
        REF.blockMinMax(l, blocks, mx, mn);
        nat().blockMinMax(l, blocks, mx2, mn2);
        assertTrue(java.util.Arrays.equals(mx, mx2) && java.util.Arrays.equals(mn, mn2));
        l[40] = Float.NaN; // a NaN makes its block's extremes NaN, as Math.max/min do
        nat().blockMinMax(l, blocks, mx2, mn2);
        assertTrue(Float.isNaN(mx2[2]) && Float.isNaN(mn2[2]) && !Float.isNaN(mx2[1]) && !Float.isNaN(mx2[3]));
        l[40] = 0.1f;
        for (float gain : new float[] {1f, 0.7071f, 1.9953f}) {
            for (int[] range : new int[][] {{0, frames}, {3, 11}, {5, 5 + 8}, {1, 1 + 17}}) {
                byte[] want = new byte[frames * 6], got = new byte[frames * 6];
                REF.pack24Stereo(l, r, range[0], range[1], gain, want);
                nat().pack24Stereo(l, r, range[0], range[1], gain, got);
                assertTrue(java.util.Arrays.equals(want, got), "gain " + gain + " frames " + range[0] + ".." + range[1]);
            }
        }
        byte[] pcm = new byte[frames * 6];
        REF.pack24Stereo(l, r, 0, frames, 1f, pcm);
        float[] a = new float[frames + 3], b = new float[frames + 3], c = new float[frames + 3], d = new float[frames + 3];
        REF.unpack24Stereo(pcm, frames, a, b, 3);
        nat().unpack24Stereo(pcm, frames, c, d, 3);
        assertTrue(java.util.Arrays.equals(a, c) && java.util.Arrays.equals(b, d));
        assertEquals(8388607f / 8388608f, a[3], 0f); // +1.0 clips to the largest 24-bit value
        assertEquals(-1f, a[4], 0f);
        assertEquals(0f, a[7], 0f);                  // 0.5 LSB rounds to even: 0
        assertEquals(2f / 8388608f, a[8], 0f);       // 1.5 LSB rounds to even: 2
        assertEquals(-2f / 8388608f, a[9], 0f);      // -2.5 LSB rounds to even: -2
    }

    @Test
    void packingThroughAGainCurveIsThePackingOfTheLimitedCopy() {
        Random rnd = new Random(15);
        int frames = 70001;
        float[] l = signal(rnd, frames), r = signal(rnd, frames), curve = new float[frames];
        for (int i = 0; i < frames; i++) curve[i] = rnd.nextInt(3) == 0 ? 1f : (float) (0.2 + 0.8 * rnd.nextDouble());
        l[7] = 1.3f; curve[7] = 1f; // clips
        l[8] = 0.5f / 8388608f / 0.9f; curve[8] = 0.9f; // near a rounding tie
        for (float pre : new float[] {1f, 0.7071f, 1.9953f}) {
            // what the limiter makes, (x * pre) * curve in float, then packed at gain 1
            float[] la = new float[frames], ra = new float[frames];
            for (int i = 0; i < frames; i++) { la[i] = l[i] * pre * curve[i]; ra[i] = r[i] * pre * curve[i]; }
            for (int[] range : new int[][] {{0, frames}, {3, 11}, {5, 5 + 8}, {1, 1 + 17}, {frames - 9, frames}}) {
                int n = range[1] - range[0];
                byte[] copy = new byte[n * 6], ref = new byte[n * 6], got = new byte[n * 6];
                REF.pack24Stereo(la, ra, range[0], range[1], 1f, copy);
                REF.pack24StereoCurve(l, r, curve, range[0], range[1], pre, ref);
                nat().pack24StereoCurve(l, r, curve, range[0], range[1], pre, got);
                String at = "pre " + pre + " frames " + range[0] + ".." + range[1];
                assertArrayEquals(copy, ref, at);
                assertArrayEquals(copy, got, at);
            }
        }
        assertThrows(IllegalArgumentException.class, () -> nat().pack24StereoCurve(l, r, new float[10], 0, 11, 1f,
                new byte[66]));
    }

    @Test
    void curveStatisticsAreExactlyTheReferenceHoweverSplit() {
        Random rnd = new Random(16);
        int n = 200_003;
        float[] g = new float[n];
        float below = 0.98855f;
        int want = 0;
        float min = 1f;
        for (int i = 0; i < n; i++) {
            g[i] = rnd.nextInt(4) == 0 ? 1f : (float) (0.5 + 0.5 * rnd.nextDouble());
            if (i % 1000 == 0) g[i] = below; // on the threshold: not under it
            if (g[i] < below) want++;
            min = Math.min(min, g[i]);
        }
        g[123_457] = 0.25f;
        want++;
        min = 0.25f;
        for (DspKernels k : new DspKernels[] {REF, nat()}) {
            double[] whole = {1.0, 0.0};
            k.curveStats(g, 0, n, below, whole);
            assertEquals(min, whole[0], 0.0, k.describe());
            assertEquals(want, whole[1], 0.0, k.describe());
            double[] parts = {1.0, 0.0};
            for (int a = 0; a < n; ) {
                int b = Math.min(n, a + 1 + rnd.nextInt(40_000));
                k.curveStats(g, a, b, below, parts);
                a = b;
            }
            assertArrayEquals(whole, parts, 0.0, k.describe());
            double[] tail = {1.0, 0.0};
            k.curveStats(g, 123_458, n, below, tail); // past the smallest
            assertTrue(tail[0] > 0.25, k.describe());
        }
    }

    @Test
    void blockBoundsAreExactlyTheReferenceHoweverSplit() {
        Random rnd = new Random(17);
        for (int trial = 0; trial < 40; trial++) {
            int blocks = 1 + rnd.nextInt(trial < 20 ? 60 : 200_000);
            float[] mx = new float[blocks], mn = new float[blocks];
            for (int b = 0; b < blocks; b++) {
                switch (rnd.nextInt(12)) {
                    case 0 -> { mx[b] = 0f; mn[b] = -0f; }
                    case 1 -> { mx[b] = -0f; mn[b] = 0f; }
                    case 2 -> { mx[b] = 0.5f; mn[b] = -0.5f; } // equal bounds: ties for the largest
                    case 3 -> { if (trial % 4 == 3) { mx[b] = Float.NaN; mn[b] = Float.NaN; } }
                    default -> {
                        float a = (float) rnd.nextGaussian() * 0.3f, z = (float) rnd.nextGaussian() * 0.3f;
                        mx[b] = Math.max(a, z);
                        mn[b] = Math.min(a, z);
                    }
                }
            }
            int full = rnd.nextBoolean() ? blocks : blocks - 1;
            float sum = 1.0012f, abs = 1.3391f;
            float[] want = new float[blocks], wantAcc = {-1f, 0f, 0f};
            int[] wantAt = {-1};
            REF.blockBound(mx, mn, 0, blocks, full, 0f, 0f, sum, abs, want, wantAcc, wantAt);
            float[] got = new float[blocks], gotAcc = {-1f, 0f, 0f};
            int[] gotAt = {-1};
            for (int b = 0; b < blocks; ) { // split at random points, each part continuing from the one before
                int e = Math.min(blocks, b + 1 + rnd.nextInt(Math.max(1, blocks / 3)));
                nat().blockBound(mx, mn, b, e, full, b == 0 ? 0f : mx[b - 1], b == 0 ? 0f : mn[b - 1], sum, abs, got,
                        gotAcc, gotAt);
                b = e;
            }
            String what = "trial " + trial + ", " + blocks + " blocks";
            assertArrayEquals(want, got, what);
            assertArrayEquals(wantAcc, gotAcc, what);
            assertEquals(wantAt[0], gotAt[0], what);
        }
    }

    @Test
    void bandwidthFrameLoopsAreTheReference() {
        Random rnd = new Random(18);
        int n = 8192, frames = 3 * n + 5;
        float[] l = signal(rnd, frames), r = signal(rnd, frames), w = new float[n];
        for (int i = 0; i < n; i++) w[i] = (float) (0.5 - 0.5 * Math.cos(2 * Math.PI * i / n));
        for (float[] right : new float[][] {r, null}) {
            for (int start : new int[] {0, 7, frames - n}) {
                float[] want = new float[2 * n], got = new float[2 * n];
                double e0 = REF.ltasWindow(l, right, start, n, w, want);
                double e1 = nat().ltasWindow(l, right, start, n, w, got);
                String what = (right == null ? "mono" : "stereo") + " at " + start;
                assertArrayEquals(want, got, what);
                assertEquals(e0, e1, 1e-12 * e0, what); // the same sum in another order
                // the powers from a (here made-up) transform: the same bits
                double[] p0 = new double[n / 2 + 1], p1 = new double[n / 2 + 1];
                java.util.Arrays.fill(p0, 0.25);
                java.util.Arrays.fill(p1, 0.25);
                REF.ltasPower(want, n, p0);
                nat().ltasPower(got, n, p1);
                assertArrayEquals(p0, p1, 0.0, what);
            }
        }
        assertThrows(IllegalArgumentException.class, () -> nat().ltasWindow(l, r, frames - n + 1, n, w, new float[2 * n]));
    }

    /** Loud noise with a few spikes, so that outputs are far from zero and the maxima are well defined. */
    private static float[] signal(Random rnd, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) (0.3 * rnd.nextGaussian() + (rnd.nextInt(500) == 0 ? 0.9 : 0));
        return x;
    }

    /** 4 roundings of 2^-24 per tap of the sum of |h| × the largest |x| (x stays below 3 here). */
    private static float tolerance(int ntaps, float[] taps, float value) {
        float abs = 0;
        for (float t : taps) abs += Math.abs(t);
        return 4f * ntaps * 0x1p-24f * abs * 3f + 1e-7f * Math.abs(value);
    }

    /**
     * A quality-check channel: noise, silent stretches, clipping runs (of 1 to 7 equal samples, at both signs, some
     * across chunk boundaries) and, when asked, a NaN and an Inf.
     */
    static float[] qcSignal(Random rnd, int n, boolean nonFinite) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) (0.2 * rnd.nextGaussian());
        for (int k = 0; k < n / 3000; k++) { int at = rnd.nextInt(n); java.util.Arrays.fill(x, at, Math.min(n, at + 900), 0f); }
        for (int k = 0; k < n / 500; k++) {
            int at = rnd.nextInt(n), len = 1 + rnd.nextInt(7);
            float v = (rnd.nextBoolean() ? 1 : -1) * (rnd.nextBoolean() ? 1f : 0.995f);
            java.util.Arrays.fill(x, at, Math.min(n, at + len), v);
        }
        if (nonFinite) { x[rnd.nextInt(n)] = Float.NaN; x[rnd.nextInt(n)] = Float.POSITIVE_INFINITY; }
        return x;
    }

    @Test
    void qualityCheckPassAgreesWithTheReferenceHoweverItIsSplit() {
        Random rnd = new Random(23);
        for (int trial = 0; trial < 30; trial++) {
            int n = 1 + rnd.nextInt(60000), frame = 1 + rnd.nextInt(trial % 3 == 0 ? 100 : 3000);
            float[] x = qcSignal(rnd, n, false), p = trial % 4 == 0 ? null : qcSignal(rnd, n, false);
            int frames = (n + frame - 1) / frame;
            double[] sumsRef = new double[3], feRef = new double[frames];
            int[] clipRef = {0, 0, Float.floatToRawIntBits(Float.NaN)};
            REF.qcStats(x, p, 0, frames, frame, 0.99f, 4, sumsRef, feRef, clipRef);
            double[] sums = new double[3], fe = new double[frames];
            int[] clip = {0, 0, Float.floatToRawIntBits(Float.NaN)};
            for (int f = 0; f < frames; ) { // in random pieces: the state carries over
                int g = Math.min(frames, f + 1 + rnd.nextInt(Math.max(1, frames / 3)));
                nat().qcStats(x, p, f, g, frame, 0.99f, 4, sums, fe, clip);
                f = g;
            }
            assertArrayEquals(clipRef, clip, "trial " + trial);
            assertTrue(clipRef[0] > 0 || n < 3000, "trial " + trial + " has clipping runs");
            double mag = 0, sq = 0, cross = 0;
            for (int i = 0; i < n; i++) {
                mag += Math.abs(x[i]);
                sq += x[i] * x[i];
                if (p != null) cross += Math.abs(x[i] * p[i]);
            }
            // float sums over chunks of 64: each differs by at most ~64 roundings of its magnitude sum
            assertEquals(sumsRef[0], sums[0], 64 * 0x1p-24 * mag + 1e-12, "sum, trial " + trial);
            assertEquals(sumsRef[1], sums[1], 64 * 0x1p-24 * sq + 1e-12, "squares, trial " + trial);
            if (p != null) assertEquals(sumsRef[2], sums[2], 64 * 0x1p-24 * cross + 1e-12, "cross, trial " + trial);
            for (int f = 0; f < frames; f++) {
                assertEquals(feRef[f], fe[f], 64 * 0x1p-24 * feRef[f], "frame " + f + ", trial " + trial);
            }
        }
        // NaN and Inf make both sets of sums non-finite; the clipping count is unaffected and exact
        float[] bad = qcSignal(rnd, 20001, true);
        double[] a = new double[3], b = new double[3];
        int frames = (20001 + 440) / 441;
        int[] ca = {0, 0, Float.floatToRawIntBits(Float.NaN)}, cb = ca.clone();
        REF.qcStats(bad, null, 0, frames, 441, 0.99f, 4, a, new double[frames], ca);
        nat().qcStats(bad, null, 0, frames, 441, 0.99f, 4, b, new double[frames], cb);
        assertTrue(!Double.isFinite(a[0]) && !Double.isFinite(b[0]) && !Double.isFinite(b[1]));
        assertArrayEquals(ca, cb);
        assertThrows(IllegalArgumentException.class,
                () -> nat().qcStats(bad, null, 0, frames + 1, 441, 0.99f, 4, new double[3], new double[frames + 1], cb));
    }
}
