package dev.lofilora.audio.loudness;

import dev.lofilora.audio.AudioBuffer;
import dev.lofilora.audio.dsp.Dsp;
import dev.lofilora.audio.dsp.DspKernels;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** True peak: EBU Tech 3341 cases 15–19 on both interpolators, and the skip bound against brute force. */
class TruePeakTest {
    static Stream<Arguments> tech3341TruePeak() {
        // case, divisor of fs, peak (dB; the table's 0.50 / 1.41 FFS are -6 / +3 dB, as the EBU files' sample peak
        // of -6.000 dBFS in case 15 shows), phase (deg), expected dBTP, libebur128 / ITU readings of the EBU files
        return Stream.of(
                Arguments.of(15, 4, -6.0, 0.0, -6.0, -6.000, -6.000),
                Arguments.of(16, 4, -6.0, 45.0, -6.0, -6.033, -5.956),
                Arguments.of(17, 6, -6.0, 60.0, -6.0, -5.985, -6.295),
                Arguments.of(18, 8, -6.0, 67.5, -6.0, -5.998, -6.007),
                Arguments.of(19, 4, 3.0, 45.0, 3.0, 2.977, 3.054));
    }

    @ParameterizedTest(name = "case {0}")
    @MethodSource("tech3341TruePeak")
    void tech3341TruePeakWithinPlusTwoMinusFourTenths(int id, int divisor, double peakDb, double phase, double expected,
                                                      double ebur128File, double ituFile) {
        LoudnessReport r = LoudnessMeter.measure(EbuSignals.truePeakSine(divisor, peakDb, phase));
        for (double tp : new double[] {r.truePeakItuDbtp(), r.truePeakEbur128Dbtp()}) {
            assertTrue(tp <= expected + 0.2 && tp >= expected - 0.4, "case " + id + " read " + tp);
        }
        // The EBU files are 24-bit with their own fades; the steady part decides the peak, so the synthesised
        // signal reads within 0.02 dB of what libebur128 and the ITU filter read on the files.
        assertEquals(ebur128File, r.truePeakEbur128Dbtp(), 0.02, "case " + id + " libebur128");
        assertEquals(ituFile, r.truePeakItuDbtp(), 0.02, "case " + id + " ITU");
    }

    @Test
    void skippingBlocksGivesExactlyTheBruteForceMaximum() {
        DspKernels nat = Dsp.nativeKernels();
        assertNotNull(nat, "native kernels: " + Dsp.nativeProblem());
        Random rnd = new Random(7);
        for (int trial = 0; trial < 20; trial++) {
            int n = 1 + rnd.nextInt(5000);
            float[] x = new float[n];
            double freq = 20 + rnd.nextDouble() * 300, offset = rnd.nextDouble() - 0.5;
            for (int i = 0; i < n; i++) {
                // even trials: sparse bursts in quiet noise, so that many blocks are skipped and the peak sits
                // anywhere; odd trials: a loud smooth bass with an offset, where the midrange bound does the skipping
                x[i] = trial % 2 == 0 ? (float) (rnd.nextGaussian() * (rnd.nextInt(200) == 0 ? 0.8 : 0.01))
                        : (float) (offset + 0.5 * Math.sin(2 * Math.PI * freq * i / 48000) + 0.001 * rnd.nextGaussian());
            }
            for (TruePeakFilter f : new TruePeakFilter[] {TruePeakFilter.itu(), TruePeakFilter.ebur128(44100),
                    TruePeakFilter.ebur128(96000)}) {
                double brute = bruteForce(f, x);
                // the Java kernels do the brute force's arithmetic, so skipping must not change a single bit
                assertEquals(brute, f.peak(x, BlockStats.of(x), 0.0, TruePeakFilter.javaKernels()), 0.0, "trial " + trial);
                // the native kernels round fused multiply-adds instead: at most a few float roundings of 12 products
                // (each 2^-24 of at most sum|h| = 1.3 times the peak), so 4e-6 of the peak
                assertEquals(brute, f.peak(x, BlockStats.of(x), 0.0, nat), 4e-6 * brute, "native, trial " + trial);
            }
            // both interpolators in one pass: the numbers of two separate searches, on either kernels
            TruePeakFilter itu = TruePeakFilter.itu(), eb = TruePeakFilter.ebur128(48000);
            BlockStats bs = BlockStats.of(x);
            for (DspKernels k : new DspKernels[] {TruePeakFilter.javaKernels(), nat}) {
                double[] both = TruePeakFilter.peaks(itu, eb, x, bs, 0.01, 0.02, k);
                assertEquals(itu.peak(x, bs, 0.01, k), both[0], 0.0, "fused ITU, trial " + trial);
                assertEquals(eb.peak(x, bs, 0.02, k), both[1], 0.0, "fused libebur128, trial " + trial);
            }
        }
    }

    @Test
    void floatSumReadsWithinAMillionthOfADecibelOfADoubleSum() {
        Random rnd = new Random(3);
        float[] x = new float[20000];
        for (int i = 0; i < x.length; i++) x[i] = (float) (0.9 * Math.sin(2 * Math.PI * 11025.0 * i / 44100 + 0.7)
                + 0.05 * rnd.nextGaussian());
        for (TruePeakFilter f : new TruePeakFilter[] {TruePeakFilter.itu(), TruePeakFilter.ebur128(44100)}) {
            double m = 0;
            for (double[] h : f.phases()) {
                for (int n = 0; n < x.length + h.length - 1; n++) {
                    double acc = 0;
                    for (int k = 0; k < h.length; k++) if (n - k >= 0 && n - k < x.length) acc += h[k] * x[n - k];
                    m = Math.max(m, Math.abs(acc));
                }
            }
            double fast = f.peak(x, BlockStats.of(x), 0.0);
            assertEquals(20 * Math.log10(m), 20 * Math.log10(fast), 1e-5);
        }
    }
    @Test
    void libebur128FactorFollowsSampleRate() {
        assertEquals(4, TruePeakFilter.ebur128(48000).factor());
        assertEquals(2, TruePeakFilter.ebur128(96000).factor());
        assertNull(TruePeakFilter.ebur128(192000));
        // at 192 kHz libebur128 reports the sample peak
        float[] s = {0f, 0.5f, -0.25f, 0f};
        LoudnessReport r = LoudnessMeter.measure(new AudioBuffer(new float[][] {s}, 192000));
        assertEquals(20 * Math.log10(0.5), r.truePeakEbur128Dbtp(), 1e-9);
    }

    /** Every output of every phase over the whole flushed span, no skipping, in the kernels' float arithmetic. */
    private static double bruteForce(TruePeakFilter f, float[] x) {
        float[] taps = f.floatTaps();
        int t = f.tapCount();
        float m = 0;
        for (int p = 0; p < f.phases().length; p++) {
            for (int n = 0; n < x.length + t - 1; n++) {
                float acc = 0;
                for (int k = 0; k < t; k++) if (n - k >= 0 && n - k < x.length) acc += taps[p * t + k] * x[n - k];
                m = Math.max(m, Math.abs(acc));
            }
        }
        return m;
    }
}
