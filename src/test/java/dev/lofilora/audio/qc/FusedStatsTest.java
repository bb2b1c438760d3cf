package dev.lofilora.audio.qc;

import dev.lofilora.audio.AudioBuffer;
import dev.lofilora.audio.dsp.JavaDsp;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fused per-channel pass ({@link ChannelStats}, native where the library loads) against the separate reference
 * computations it replaced ({@link QcReference}): clipping counts and silent ratios exactly, sums to float rounding.
 */
class FusedStatsTest {
    private final QualityChecks qc = new QualityChecks(QcThresholds.defaults());

    /** Noise with silent stretches, clipping runs of 1 to 7 equal samples (some across chunk edges), odd length. */
    private static AudioBuffer signal(long seed, int channels, int n, int rate) {
        Random rnd = new Random(seed);
        float[][] x = new float[channels][n];
        for (float[] ch : x) {
            for (int i = 0; i < n; i++) ch[i] = (float) (0.1 * rnd.nextGaussian() + 0.006);
            for (int k = 0; k < n / 2000; k++) {
                int at = rnd.nextInt(n), len = 1 + rnd.nextInt(7);
                Arrays.fill(ch, at, Math.min(n, at + len), (rnd.nextBoolean() ? 1 : -1) * (rnd.nextBoolean() ? 1f : 0.993f));
            }
            int at = 64 * (1 + rnd.nextInt(n / 64 - 1)) - 2; // a run of 5 straddling a chunk edge
            Arrays.fill(ch, at, at + 5, -1f);
        }
        for (int k = 0; k < 3; k++) { // silent in every channel at once
            int at = rnd.nextInt(n);
            for (float[] ch : x) Arrays.fill(ch, at, Math.min(n, at + n / 10), 0f);
        }
        return new AudioBuffer(x, rate);
    }

    @Test
    void fusedPassEqualsTheSeparateReferencePasses() {
        int[][] cases = {{1, 44100 * 7 + 13, 44100}, {2, 48000 * 6 + 1, 48000}, {2, 22050 * 9 + 63, 22050}, {1, 12345, 8000}};
        for (int[] c : cases) {
            AudioBuffer audio = signal(c[1], c[0], c[1], c[2]);
            float[][] x = audio.samples();
            int frame = (int) Math.round(0.05 * c[2]);
            ChannelStats[] stats = new ChannelStats[c[0]];
            for (int ch = 0; ch < c[0]; ch++) {
                float[] partner = ch == 0 && c[0] > 1 ? x[1] : null;
                ChannelStats s = stats[ch] = ChannelStats.of(x[ch], partner, 0.99f, 4, frame);
                String what = Arrays.toString(c) + " channel " + ch;
                int events = QcReference.clipEvents(x[ch], 0.99f, 4);
                assertTrue(events > 0, what);
                assertEquals(events, s.clipEvents, what);
                double[] ref = QcReference.sums(x[ch], partner);
                assertEquals(ref[0], s.sum, 1e-6 * c[1] * 0.1, what);
                assertEquals(ref[1], s.sumSquares, 1e-6 * ref[1], what);
                assertEquals(ref[2], s.crossSum, 1e-6 * Math.sqrt(ref[1] * QcReference.sums(x[c[0] - 1], null)[1]), what);
                // the Java reference's frame energies are Silence.energy's, bit for bit
                double[] fe = new double[s.frameEnergy.length];
                JavaDsp.INSTANCE.qcStats(x[ch], partner, 0, fe.length, frame, 0.99f, 4, new double[3], fe,
                        new int[] {0, 0, Float.floatToRawIntBits(Float.NaN)});
                for (int f = 0; f < fe.length; f++) {
                    assertEquals(Silence.energy(x[ch], f * frame, Math.min(c[1], (f + 1) * frame)), fe[f], 0.0, what);
                    assertEquals(fe[f], s.frameEnergy[f], 1e-5 * fe[f], what);
                }
            }
            double ratio = Silence.silentRatio(stats, c[1], frame, -60);
            assertEquals(QcReference.silentRatio(audio, frame, -60), ratio, 0.0, Arrays.toString(c));
            assertTrue(ratio > 0.05 && ratio < 0.5, "ratio " + ratio);
        }
    }

    @Test
    void checksReadTheSameAsTheReferenceWithNaNAndInf() {
        AudioBuffer audio = signal(5, 2, 48000 * 8 + 7, 48000);
        audio.samples()[0][1234] = Float.NaN;
        audio.samples()[1][40000] = Float.NEGATIVE_INFINITY;
        audio.samples()[1][40001] = Float.POSITIVE_INFINITY;
        float[][] x = audio.samples();
        List<CheckResult> r = qc.run(audio, 0);
        CheckResult nonFinite = r.get(1), clipping = r.get(2), silence = r.get(3), dc = r.get(6);
        assertEquals(3.0, nonFinite.value());
        long events = QcReference.clipEvents(x[0], 0.99f, 4) + QcReference.clipEvents(x[1], 0.99f, 4);
        assertEquals(events / (audio.seconds() / 60), clipping.value(), 1e-9);
        float[][] clean = new float[2][];
        for (int c = 0; c < 2; c++) {
            clean[c] = x[c].clone();
            for (int i = 0; i < clean[c].length; i++) if (!Float.isFinite(clean[c][i])) clean[c][i] = 0;
        }
        assertEquals(QcReference.silentRatio(new AudioBuffer(clean, 48000), 2400, -60), silence.value(), 0.0);
        double worst = 0;
        for (int c = 0; c < 2; c++) {
            double[] s = QcReference.sums(x[c], null);
            worst = Math.max(worst, Math.abs(s[0] / (x[c].length - s[3])));
        }
        assertEquals(worst, dc.value(), 1e-7);
        assertTrue(worst > 0.003, "the signal's DC warns: " + worst);
        assertEquals(Verdict.WARN, dc.verdict());
    }
}
