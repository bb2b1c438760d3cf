package dev.lofilora.audio.dsp;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** FFmpeg's transforms against the DFT's definition, X[k] = sum x[n] e^(-2 pi i k n / N). */
class FfmpegFftTest {
    @Test
    void bothPrecisionsComputeTheDftAndAgreeToFloatRounding() {
        Random rnd = new Random(9);
        for (int n : new int[] {16, 256, 8192}) {
            double[] z = new double[2 * n];
            float[] zf = new float[2 * n];
            for (int i = 0; i < 2 * n; i++) {
                zf[i] = (float) rnd.nextGaussian();
                z[i] = zf[i];
            }
            double[] x = z.clone();
            try (FfmpegFft d = new FfmpegFft(n); FfmpegFftFloat f = new FfmpegFftFloat(n)) {
                d.forwardInterleaved(z);
                f.forwardInterleaved(zf);
                f.forwardInterleaved(zf.clone()); // a second call on the same context
            }
            double scale = Math.sqrt(n); // the size of a bin of unit-variance noise
            double worstFloat = 0;
            for (int k : new int[] {0, 1, n / 3, n / 2, n - 1}) { // the definition, at a few bins
                double re = 0, im = 0;
                for (int t = 0; t < n; t++) {
                    double a = -2 * Math.PI * (long) k * t / n, c = Math.cos(a), s = Math.sin(a);
                    re += x[2 * t] * c - x[2 * t + 1] * s;
                    im += x[2 * t] * s + x[2 * t + 1] * c;
                }
                assertEquals(re, z[2 * k], 1e-9 * scale, "double, n " + n + ", bin " + k);
                assertEquals(im, z[2 * k + 1], 1e-9 * scale, "double, n " + n + ", bin " + k);
            }
            for (int i = 0; i < 2 * n; i++) worstFloat = Math.max(worstFloat, Math.abs(zf[i] - z[i]));
            // float rounding: a few ulps of the bins' size times log2 n
            assertTrue(worstFloat < 1e-6 * scale * Math.log(n) / Math.log(2) * 4, "float, n " + n + ": " + worstFloat);
            assertTrue(worstFloat > 0, "the float transform really is single precision");
        }
        assertThrows(IllegalArgumentException.class, () -> new FfmpegFftFloat(12));
    }
}
