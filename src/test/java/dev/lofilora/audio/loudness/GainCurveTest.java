package dev.lofilora.audio.loudness;

import dev.lofilora.audio.AudioBuffer;
import dev.lofilora.audio.dsp.Dsp;
import dev.lofilora.audio.dsp.DspKernels;
import dev.lofilora.audio.dsp.JavaDsp;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The native gain curve and block energies against the Java reference, and the limiter's loudness prediction
 * ({@link TruePeakLimiter.Prepared#aim}) against the real limited output.
 */
class GainCurveTest {
    private static DspKernels nat() {
        DspKernels k = Dsp.nativeKernels();
        assertNotNull(k, "the native library must load where the build made it: " + Dsp.nativeProblem());
        return k;
    }

    /**
     * The same bytes as the Java curve (same double arithmetic in the same order, no fused multiply-add), and the same
     * per-block reductions: sparse peaks (the hold's idle skipping), dense ones (the deque busy), peaks in the first and
     * last window, curves longer than one native chunk (2^17 samples, where the state carries over), a box of 1.
     */
    @Test
    void nativeCurveIsTheJavaCurveByteForByte() {
        Random rnd = new Random(21);
        int[][] cases = {{1000, 24, 5}, {300_000, 24, 200}, {300_000, 120, 20_000}, {70_000, 1, 300}, {5, 3, 5},
                {400_000, 48, 3}, {262_144 + 17, 96, 40_000}};
        for (int[] c : cases) {
            int n = c[0], box = c[1], peaks = c[2];
            float target = 0.8f;
            float[] env = new float[n];
            for (int k = 0; k < peaks; k++) {
                int at = rnd.nextInt(n);
                int len = 1 + rnd.nextInt(40);
                for (int i = at; i < Math.min(n, at + len); i++) env[i] = target * (0.9f + 0.6f * rnd.nextFloat());
            }
            env[0] = target * 1.3f;     // a reduction needed at sample 0: the smoothing starts already reduced
            env[n - 1] = target * 1.1f; // and one in the last window
            double release = Math.exp(Math.log(0.01) / (0.05 * 48000));
            float[] want = env.clone(), got = env.clone();
            int blocks = (n + BlockStats.BLOCK - 1) / BlockStats.BLOCK;
            float[] redWant = new float[blocks], redGot = new float[blocks];
            GainCurve.build(want, target, box, release, redWant, JavaDsp.INSTANCE);
            GainCurve.build(got, target, box, release, redGot, nat());
            String what = "n " + n + ", box " + box + ", peaks " + peaks;
            assertArrayEquals(want, got, what);
            assertArrayEquals(redWant, redGot, what);
            // out of place: the same curve, and the envelope left as it was (the limiter builds several from one)
            for (DspKernels k : new DspKernels[] {JavaDsp.INSTANCE, nat()}) {
                float[] kept = env.clone(), apart = new float[n];
                float[] redApart = new float[blocks];
                GainCurve.build(kept, apart, target, box, release, redApart, k);
                assertArrayEquals(want, apart, what + " " + k.describe());
                assertArrayEquals(redWant, redApart, what + " " + k.describe());
                assertArrayEquals(env, kept, what + " " + k.describe());
            }
            // the curve does its job: never above the required gain, and 1 far from every peak
            for (int i = 0; i < n; i++) {
                if (env[i] > target) assertTrue(got[i] * env[i] <= target * (1 + 1e-6f), what + " at " + i);
            }
            double sum = 0;
            for (float r : redGot) sum += r;
            assertTrue(sum > 0, what);
        }
        float[] idle = new float[100_000]; // nothing over the target: all ones, no reduction
        float[] red = new float[idle.length / BlockStats.BLOCK];
        GainCurve.build(idle, 0.5f, 24, 0.999, red, nat());
        for (float g : idle) assertEquals(1f, g, 0f);
        for (float r : red) assertEquals(0f, r, 0f);
    }

    /**
     * The native curve built in four stretches at once (each from a warm start at rest, keeping only its own samples)
     * is the sequential Java curve byte for byte, also where limiting never stops across the stretches' starts (the
     * warm-up must catch up with a reduction that began long before), with a release so slow that the warm-up spans
     * about 150 000 samples, with sparse peaks (idle stretches inside a lane), and in place or apart.
     */
    @Test
    void curveInFourStretchesIsTheSequentialCurve() {
        Random rnd = new Random(5);
        double release100ms = Math.exp(Math.log(0.01) / (0.1 * 48000)); // the limiter's own: 100 ms to 1 %
        Object[][] cases = { // n, box, release, share of samples over the target
                {1_500_000, 192, release100ms, 1.0}, {1_500_000, 192, release100ms, 0.002},
                {900_000, 4096, release100ms, 0.5}, {800_000, 48, 0.9999, 1.0}, {700_001, 7, 0.99, 0.05}};
        for (Object[] c : cases) {
            int n = (int) c[0], box = (int) c[1];
            double release = (double) c[2], share = (double) c[3];
            assertTrue(Dsp.curveInLanes(n, box, release), "this case should run four stretches: " + n);
            float target = 0.8f;
            float[] env = new float[n];
            for (int i = 0; i < n; i++) {
                if (rnd.nextDouble() < share) env[i] = target * (1.0f + 0.5f * rnd.nextFloat());
            }
            float[] want = env.clone(), got = env.clone(), apart = new float[n];
            int blocks = (n + BlockStats.BLOCK - 1) / BlockStats.BLOCK;
            float[] redWant = new float[blocks], redGot = new float[blocks], redApart = new float[blocks];
            GainCurve.build(want, target, box, release, redWant, JavaDsp.INSTANCE);
            GainCurve.build(got, target, box, release, redGot, nat());
            GainCurve.build(env, apart, target, box, release, redApart, nat());
            String what = "n " + n + ", box " + box + ", release " + release + ", share " + share;
            for (int i = 0; i < n; i++) {
                if (want[i] != got[i]) fail(what + ": first difference at sample " + i + ": " + want[i] + " vs " + got[i]);
            }
            assertArrayEquals(want, apart, what + " (apart)");
            assertArrayEquals(redWant, redGot, what);
            assertArrayEquals(redWant, redApart, what + " (apart)");
            if (share == 1.0) { // reduced everywhere: the stretches' warm-ups had real work to catch up with
                for (int q = 1; q < 4; q++) assertTrue(want[n * q / 4] < 0.99f, what + " at stretch " + q);
            }
        }
    }

    /**
     * The hardest case for a stretch's warm-up: right before it starts, a peak that needs almost all of the gain taken
     * away, then only faint limiting (just over the snap), so the sequential run carries the peak's decaying
     * reduction for nearly the whole release lifetime while the stretch, started at rest, never saw it; they must agree
     * from the stretch's first kept sample. (A warm-up of three re-sum periods, under that lifetime, fails here.)
     */
    @Test
    void aStretchCatchesUpWithAReductionThatBeganBeforeItsWarmStart() {
        int n = 1_200_000, box = 192;
        double release = Math.exp(Math.log(0.01) / (0.1 * 48000));
        int[] warmStarts = Dsp.curveLaneWarmStarts(n, box, release);
        assertNotNull(warmStarts, "this case should run four stretches");
        float target = 0.8f;
        float[] env = new float[n];
        java.util.Arrays.fill(env, target * (1 + 2e-6f)); // need = 1 - 1 / (1 + 2e-6): just over the 1e-6 snap
        for (int w0 : warmStarts) env[w0 - 1] = target * 1000f;
        float[] want = env.clone(), got = env.clone();
        int blocks = (n + BlockStats.BLOCK - 1) / BlockStats.BLOCK;
        float[] redWant = new float[blocks], redGot = new float[blocks];
        GainCurve.build(want, target, box, release, redWant, JavaDsp.INSTANCE);
        GainCurve.build(got, target, box, release, redGot, nat());
        for (int w0 : warmStarts) {
            // the decaying reduction is still there at the warm start in the sequential curve
            assertTrue(want[w0 + 1000] < want[n - 1] - 1e-4f, "the peak's release reaches past the warm start");
        }
        for (int i = 0; i < n; i++) {
            if (want[i] != got[i]) fail("first difference at sample " + i + ": " + want[i] + " vs " + got[i]);
        }
        assertArrayEquals(redWant, redGot);
    }

    /**
     * The K-weighting pass's per-block energies (native: four double lanes with fused multiply-adds; Java: the
     * sequential pass) agree to 1e-5 relative plus float rounding of the block, and sum to the tick energies.
     */
    @Test
    void blockEnergiesAgreeWithTheReferenceAndSumToTheTicks() {
        Random rnd = new Random(22);
        int fs = 48000, n = fs * 12 + 77;
        float[][] x = new float[2][n];
        for (int c = 0; c < 2; c++) {
            for (int i = 0; i < n; i++) x[c][i] = (float) (0.3 * Math.sin(2 * Math.PI * 220 * (c + 1) * i / fs) + 0.1 * rnd.nextGaussian());
        }
        AudioBuffer a = new AudioBuffer(x, fs);
        KWeightedEnergy e = KWeightedEnergy.of(a, nat(), true);
        assertNotNull(e.blockEnergy, "48 kHz ticks are whole blocks: the split pass keeps block energies");
        int perTick = e.tickLength / BlockStats.BLOCK;
        assertEquals(e.ticks.length * perTick, e.extremeBlocks);
        for (int t = 0; t < e.ticks.length; t++) {
            double s = 0;
            for (int q = t * perTick; q < (t + 1) * perTick; q++) s += e.blockEnergy[q];
            assertEquals(e.ticks[t], s, 1e-6 * e.ticks[t], "tick " + t);
        }
        // the Java kernel body on the same call, block by block
        float[] ref = new float[e.blockEnergy.length], mx = new float[(n + 15) / 16], mn = mx.clone(), mx2 = mx.clone(),
                mn2 = mx.clone();
        double[] shelf = KWeighting.shelf(fs), hp = KWeighting.highPass(fs);
        double[] coef = {shelf[0], shelf[1], shelf[2], shelf[3], shelf[4], hp[3], hp[4]};
        int ticks = e.ticks.length;
        double[] refTicks = new double[ticks];
        JavaDsp.INSTANCE.kWeight(x[0], x[1], n, e.tickLength, new int[] {0, 0}, ticks, new int[] {0, ticks, ticks}, coef,
                1.0, 1.0, new double[16], refTicks, new double[8], DspKernels.KWeightExtras.extremes(mx, mn, mx2, mn2, ref));
        // the split pass starts its second half from rest: compare the first half, where both ran from sample 0
        for (int q = 0; q < ref.length / 2; q++) {
            assertEquals(ref[q], e.blockEnergy[q], 1e-5 * ref[q] + 1e-12, "block " + q);
        }
    }

    /**
     * The prediction lands the limited output within 0.05 LU of the target in one limiter run on drums that need
     * several dB of limiting, where the plain gain lands further off.
     */
    @Test
    void aimPredictsTheLimitedLoudness() {
        AudioBuffer in = MusicLike.drums(48000, 20, 3);
        Measurement m = LoudnessMeter.measureKeeping(in, dev.lofilora.audio.Parallel.SERIAL);
        LoudnessReport before = m.report();
        double gain = -14.0 - before.integratedLufs() + 3.0; // louder than the drums allow: the limiter works hard
        double target = -11.0;
        LoudnessReport scaled = before.withGain(gain);
        assertTrue(scaled.truePeakDbtp() > 1.0, "the fixture must need limiting: " + scaled.truePeakDbtp());
        TruePeakLimiter lim = new TruePeakLimiter(-1.0);
        TruePeakLimiter.Prepared p = lim.prepare(m, 3.0, false);
        double aimed = p.aim(gain, target, scaled.truePeakItuDbtp(), scaled.truePeakEbur128Dbtp());
        assertTrue(aimed > gain, "the limiter takes loudness away, so the aim adds gain: " + aimed + " vs " + gain);
        LoudnessReport ag = before.withGain(aimed);
        double outAimed = LoudnessMeter.measure(p.limit(aimed, ag.truePeakItuDbtp(), ag.truePeakEbur128Dbtp()).audio())
                .integratedLufs();
        double outPlain = LoudnessMeter.measure(p.limit(gain, scaled.truePeakItuDbtp(), scaled.truePeakEbur128Dbtp())
                .audio()).integratedLufs();
        System.out.printf("aim: plain gain %.3f dB -> %.3f LUFS, aimed %.3f dB -> %.3f LUFS (target %.1f)%n", gain,
                outPlain, aimed, outAimed, target);
        assertEquals(target, outAimed, 0.05);
        assertTrue(Math.abs(outAimed - target) < Math.abs(outPlain - target));
    }
}
