package dev.lofilora.audio.synth;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class UpsamplerTest {
    @Test
    void interpolatesA5kHzSineAt24kHzTo48kHzWithin0_1Percent() {
        int n = 2400;
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) Math.sin(2 * Math.PI * 5000 * i / 24_000.0);
        float[] y = Upsampler.twice(x, 2 * n);
        double maxErr = 0;
        for (int i = 100; i < 2 * n - 100; i++) {   // away from the edges, where neighbours are missing
            maxErr = Math.max(maxErr, Math.abs(y[i] - Math.sin(2 * Math.PI * 5000 * i / 48_000.0)));
        }
        assertEquals(0, maxErr, 1e-3);
        assertEquals(x[7], y[14]);   // even samples are the input itself
    }
}
