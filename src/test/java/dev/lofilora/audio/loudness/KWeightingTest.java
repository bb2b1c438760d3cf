package dev.lofilora.audio.loudness;

import dev.lofilora.audio.dsp.Dsp;
import dev.lofilora.audio.dsp.JavaDsp;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

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
}
