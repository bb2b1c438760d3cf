package dev.lofilora.audio.loudness;

import dev.lofilora.audio.AudioBuffer;
import dev.lofilora.audio.dsp.Dsp;
import dev.lofilora.audio.dsp.DspKernels;
import dev.lofilora.audio.dsp.JavaDsp;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The derived K-filter against the ITU table and libebur128's derivation at other rates (research §1.2). */
class KWeightingTest {
    private static void assertCoefficients(double[] expected, double[] actual) {
        for (int i = 0; i < expected.length; i++) assertEquals(expected[i], actual[i], 1e-9, "coefficient " + i);
    }

    @Test
    void reproducesItuTableAt48k() {
        assertCoefficients(new double[] {1.53512485958697, -2.69169618940638, 1.19839281085285,
                -1.69065929318241, 0.73248077421585}, KWeighting.shelf(48000));
        assertCoefficients(new double[] {1.0, -2.0, 1.0, -1.99004745483398, 0.99007225036621},
                KWeighting.highPass(48000));
    }

    @Test
    void matchesLibebur128DerivationAtOtherRates() {
        assertCoefficients(new double[] {1.5308412300498355, -2.6509799951536985, 1.1690790799210682,
                -1.6636551132560204, 0.7125954280732254}, KWeighting.shelf(44100));
        assertCoefficients(new double[] {1, -2, 1, -1.9891696736297957, 0.9891990357870394}, KWeighting.highPass(44100));
        assertCoefficients(new double[] {1.5111778995682856, -2.464889413359175, 1.041633273521808,
                -1.5390450962506408, 0.6269668559815593}, KWeighting.shelf(32000));
        assertCoefficients(new double[] {1, -2, 1, -1.9850896689886883, 0.9851453206695515}, KWeighting.highPass(32000));
        assertCoefficients(new double[] {1.4432952234909844, -1.8315753812596975, 0.681658757411582,
                -1.101533769106995, 0.39491236874986374}, KWeighting.shelf(16000));
        assertCoefficients(new double[] {1, -2, 1, -1.9702895280044324, 0.9705104905358436}, KWeighting.highPass(16000));
        assertCoefficients(new double[] {1.559714228975233, -2.926741578249952, 1.3782612023152518,
                -1.8446094698901085, 0.8558433229306414}, KWeighting.shelf(96000));
        assertCoefficients(new double[] {1, -2, 1, -1.9950175447247156, 0.9950237590409233}, KWeighting.highPass(96000));
    }

    @Test
    void magnitudeResponseAt48kMatchesItuWithinOneThousandthDb() {
        double[] f = {25, 38, 100, 500, 997, 1000, 1500, 2000, 5000, 10000, 20000};
        double[] db = {-10.3928, -6.0026, -1.1335, 0.0425, 0.6910, 0.6977, 2.0355, 3.0713, 4.0134, 4.0419, 4.0431};
        for (int i = 0; i < f.length; i++) assertEquals(db[i], KWeighting.magnitudeDb(48000, f[i]), 1e-3, f[i] + " Hz");
    }
    /**
     * The native kernels' split pass (two halves side by side, the second warmed up from rest) against the Java
     * sequential pass: every tick energy and the total within 1e-10 (double rounding: the kernels fuse multiply-adds,
     * and the high-pass's poles near z = 1 amplify rounding at high rates; 2e-12 measured at 192 kHz, and 1e-10 is
     * 4e-10 dB), for stereo and mono, at 44.1, 48 and 192 kHz, with a start from digital silence (the flush of
     * tiny states) and a loud ending that straddles the split.
     */
    @Test
    void splitPassEqualsTheSequentialPassToRounding() {
        assertNotNull(Dsp.nativeKernels(), Dsp.nativeProblem());
        java.util.Random rnd = new java.util.Random(5);
        for (int fs : new int[] {44100, 48000, 192000}) {
            for (int ch : new int[] {1, 2}) {
                int n = fs * 15 + 123;
                float[][] x = new float[ch][n];
                for (int c = 0; c < ch; c++) {
                    for (int i = n / 10; i < n; i++) {
                        x[c][i] = (float) (0.3 * Math.sin(2 * Math.PI * 80 * i / fs) * (i > n / 2 ? 2 : 1)
                                + 0.05 * rnd.nextGaussian());
                    }
                }
                dev.lofilora.audio.AudioBuffer a = new dev.lofilora.audio.AudioBuffer(x, fs);
                KWeightedEnergy seq = KWeightedEnergy.of(a, JavaDsp.INSTANCE);
                KWeightedEnergy split = KWeightedEnergy.of(a, Dsp.nativeKernels());
                assertEquals(seq.ticks.length, split.ticks.length);
                for (int t = 0; t < seq.ticks.length; t++) {
                    assertEquals(seq.ticks[t], split.ticks[t], 1e-10 * Math.max(seq.ticks[t], 1e-30),
                            fs + " Hz, " + ch + " ch, tick " + t);
                }
                assertEquals(seq.total(), split.total(), 1e-10 * seq.total());
            }
        }
    }

    /**
     * The split layouts: every tick stored by exactly one segment, each segment after the first started exactly one
     * warm-up before its first stored tick (its state has converged there) and running through its last one, and the
     * fewest ticks per lane that allows: {@code ceil((n + (segments - 1) warmup) / segments)}. Two segments keep the
     * halves of the two-segment pass as it was.
     */
    @Test
    void layoutStoresEveryTickOnceAfterAWholeWarmup() {
        for (int n : new int[] {1101, 2740, 3288, 18000, 18001, 18003}) {
            for (int w : new int[] {1, 137, 150}) {
                for (int segs : new int[] {2, 4}) {
                    KWeightedEnergy.Layout l = KWeightedEnergy.layout(n, w, segs);
                    int[] st = l.starts(), b = l.bounds();
                    String what = n + " ticks, warm-up " + w + ", " + segs + " segments";
                    assertEquals(segs, st.length, what);
                    assertEquals(0, b[0], what);
                    assertEquals(n, b[segs], what);
                    assertEquals(0, st[0], what);
                    assertEquals((n + (segs - 1) * w + segs - 1) / segs, l.count(), what);
                    if (segs == 2) assertEquals((n + w + 1) / 2, b[1], what);
                    for (int s = 0; s < segs; s++) {
                        assertTrue(b[s] < b[s + 1], "segment " + s + " stores ticks: " + what);
                        if (s > 0) assertEquals(w, b[s] - st[s], "segment " + s + "'s warm-up: " + what);
                        assertTrue(st[s] + l.count() >= b[s + 1], "segment " + s + " runs through its ticks: " + what);
                    }
                    assertTrue(st[segs - 1] + l.count() - n < segs, "the last segment runs at most a few ticks on: " + what);
                }
            }
        }
    }

    /**
     * The four-segment pass (native kernels, where they run four segments at the price of two) against the sequential
     * Java pass, on a 48 kHz signal with impulses on both sides of every segment boundary and of every warm-up's start,
     * a stretch of digital silence across a boundary on one channel, and a partial last tick: every tick energy and the
     * total to 1e-10; with the extras, the same ticks bit for bit, every block's extremes exactly those of the samples,
     * and every block's energy (all of them, the later segments' included) within 1e-6 of the sequential reference.
     * Stereo and mono.
     */
    @Test
    void fourSegmentPassEqualsTheSequentialPassAcrossItsBoundaries() {
        DspKernels nat = Dsp.nativeKernels();
        assertNotNull(nat, Dsp.nativeProblem());
        int fs = 48000, tick = KWeightedEnergy.tickLength(fs);
        int frames = fs * 35 + 123; // 3500 ticks: 25.5 warm-ups of 137
        int n = frames / tick;
        double[] shelf = KWeighting.shelf(fs), hp = KWeighting.highPass(fs);
        int warmup = (KWeightedEnergy.warmupSamples(shelf, hp) + tick - 1) / tick;
        int segs = KWeightedEnergy.segments(n, warmup, nat);
        assertEquals(nat.kWeightSegments(), segs, "a 35-s track is long enough for four segments where they run");
        KWeightedEnergy.Layout l = KWeightedEnergy.layout(n, warmup, segs);
        java.util.Random rnd = new java.util.Random(8);
        for (int ch : new int[] {2, 1}) {
            float[][] x = new float[ch][frames];
            for (int c = 0; c < ch; c++) {
                for (int i = 0; i < frames; i++) {
                    x[c][i] = (float) (0.2 * Math.sin(2 * Math.PI * 60 * i / fs + c) + 0.02 * rnd.nextGaussian());
                }
                for (int s = 1; s < segs; s++) {
                    for (int i : new int[] {l.bounds()[s] * tick - 1, l.bounds()[s] * tick, l.starts()[s] * tick - 1,
                            l.starts()[s] * tick}) {
                        x[c][i] = c == 0 ? 0.95f : -0.9f;
                    }
                }
                x[c][n * tick - 1] = 0.9f; // the last sample of the last whole tick, and one in the partial tick
                x[c][frames - 7] = -0.9f;
            }
            int b2 = l.bounds()[segs / 2] * tick; // silence on the last channel from 40 k samples before a boundary to it
            java.util.Arrays.fill(x[ch - 1], b2 - 40000, b2 - 1, 0f);
            AudioBuffer a = new AudioBuffer(x, fs);
            String what = ch + " ch, " + segs + " segments";
            KWeightedEnergy seq = KWeightedEnergy.of(a, JavaDsp.INSTANCE);
            KWeightedEnergy split = KWeightedEnergy.of(a, nat);
            KWeightedEnergy extras = KWeightedEnergy.of(a, nat, true);
            assertEquals(n, split.ticks.length);
            for (int t = 0; t < n; t++) {
                assertEquals(seq.ticks[t], split.ticks[t], 1e-10 * Math.max(seq.ticks[t], 1e-30), "tick " + t + ", " + what);
            }
            assertEquals(seq.total(), split.total(), 1e-10 * seq.total(), what);
            assertArrayEquals(split.ticks, extras.ticks, "the extras leave the ticks as they are: " + what);
            assertEquals(split.total(), extras.total(), 0.0, what);
            int blocks = n * tick / BlockStats.BLOCK;
            assertEquals(blocks, extras.extremeBlocks, what);
            for (int c = 0; c < ch; c++) {
                for (int q = 0; q < blocks; q++) {
                    float hi = Float.NEGATIVE_INFINITY, lo = Float.POSITIVE_INFINITY;
                    for (int i = q * BlockStats.BLOCK; i < (q + 1) * BlockStats.BLOCK; i++) {
                        hi = Math.max(hi, x[c][i]);
                        lo = Math.min(lo, x[c][i]);
                    }
                    assertEquals(hi, extras.blockMax[c][q], 0f, "max, channel " + c + ", block " + q + ", " + what);
                    assertEquals(lo, extras.blockMin[c][q], 0f, "min, channel " + c + ", block " + q + ", " + what);
                }
            }
            // the block energies of one sequential segment of the Java reference
            float[] ref = new float[blocks];
            float[] m = new float[(frames + 15) / 16];
            double[] coef = {shelf[0], shelf[1], shelf[2], shelf[3], shelf[4], hp[3], hp[4]};
            JavaDsp.INSTANCE.kWeight(x[0], x[ch - 1], frames, tick, new int[] {0, 0}, n, new int[] {0, n, n}, coef, 1.0,
                    ch == 2 ? 1.0 : 0.0, new double[16], new double[n], new double[8],
                    DspKernels.KWeightExtras.extremes(m, m.clone(), m.clone(), m.clone(), ref));
            for (int q = 0; q < blocks; q++) {
                assertEquals(ref[q], extras.blockEnergy[q], 1e-6 * ref[q] + 1e-30, "block energy " + q + ", " + what);
            }
        }
    }
}
