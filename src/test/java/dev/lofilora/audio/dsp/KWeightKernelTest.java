package dev.lofilora.audio.dsp;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link DspKernels#kWeight} against an independent model of its contract: every segment is a plain K-filter started
 * from rest at its first tick, and tick t is stored by the segment that owns it. The warm-ups here are a few ticks,
 * far too short to converge (0.995^1440 ≈ 7e-4 at 48 kHz), so a tick stored by a neighbouring segment, a segment
 * started one tick off, or a state carried from the wrong lane shows at 1e-4 and more, against a tolerance of 1e-10.
 * Impulses sit on both sides of every boundary and every segment start. Uneven layouts with segments that run past
 * their stores and past the signal's end (two at once); stereo and mono; 2 and 4 segments; with and without the
 * extras; native whole and cut into pieces, and the Java reference.
 */
class KWeightKernelTest {
    /** BS.1770's 48 kHz filter (KWeightingTest holds these to the ITU table): b0, b1, b2, a1, a2, h1, h2. */
    private static final double[] COEF = {1.53512485958697, -2.69169618940638, 1.19839281085285, -1.69065929318241,
            0.73248077421585, -1.99004745483398, 0.99007225036621};
    private static final float SENTINEL = -7f;

    private static DspKernels nat() {
        DspKernels k = Dsp.nativeKernels();
        assertNotNull(k, "the native library must load where the build made it: " + Dsp.nativeProblem());
        return k;
    }

    /** Ticks n, and per layout: starts, bounds (count = the longest a segment must run). */
    private static final int N = 41;
    private static final int[][][] LAYOUTS = {
            {{0, 19}, {0, 22, N}},                  // two segments, warm-up 3, the second ends on the last tick
            {{0, 6, 16, 25}, {0, 9, 20, 28, N}},    // four, warm-ups 3, 4, 3; segments run on past their stores
            {{0, 10, 20, 30}, {0, 13, 23, 33, N}},  // four, equal: the last runs 2 ticks past n (partial tick, zeros)
            {{0, 5, 30, 33}, {0, 8, 33, 36, N}},    // four, the last two both far past n at once
    };

    private static int count(int[] starts, int[] bounds) {
        int c = 0;
        for (int s = 0; s < starts.length; s++) c = Math.max(c, bounds[s + 1] - starts[s]);
        return c;
    }

    @Test
    void segmentsStoreTheTicksTheyOwnAsTheContractSays() {
        Random rnd = new Random(31);
        for (int tick : new int[] {480, 441}) {
            int frames = N * tick + 123;
            float[] xa = new float[frames], xb = new float[frames], gain = new float[frames];
            for (int i = 0; i < frames; i++) {
                xa[i] = (float) (0.05 * rnd.nextGaussian());
                xb[i] = (float) (0.05 * rnd.nextGaussian());
                gain[i] = 0.5f + 0.5f * rnd.nextFloat();
            }
            for (int[][] l : LAYOUTS) {
                for (int s = 1; s < l[0].length; s++) {
                    for (int i : new int[] {l[1][s] * tick - 1, l[1][s] * tick, l[0][s] * tick - 1, l[0][s] * tick}) {
                        xa[i] = 0.9f;
                        xb[i] = -0.8f;
                    }
                }
            }
            for (int[][] l : LAYOUTS) {
                for (boolean stereo : new boolean[] {true, false}) {
                    for (int extras = 0; extras < 3; extras++) { // none; extremes and energies; gain, output, extremes
                        if (extras > 0 && tick % DspKernels.TP_BLOCK != 0) continue; // (the output alone is below)
                        check(tick, frames, xa, stereo ? xb : xa, stereo ? 0.7 : 0.0, gain, l[0], l[1], extras);
                    }
                    if (tick % DspKernels.TP_BLOCK != 0) check(tick, frames, xa, stereo ? xb : xa, 0.7, gain, l[0], l[1], 3);
                }
            }
        }
    }

    /** extras: 0 none, 1 extremes and energies, 2 gain, output and extremes, 3 gain and output only. */
    private static void check(int tick, int frames, float[] xa, float[] xb, double wb, float[] gain, int[] starts,
                              int[] bounds, int extras) {
        int segs = starts.length, count = count(starts, bounds);
        float pre = 0.8f;
        boolean gained = extras >= 2;
        // the filtered input as the contract defines it: (x * pre) * gain in float, zero past frames
        float[] ia = new float[Math.max(frames, (starts[segs - 1] + count) * tick)], ib = new float[ia.length];
        for (int i = 0; i < frames; i++) {
            ia[i] = gained ? xa[i] * pre * gain[i] : xa[i];
            ib[i] = gained ? xb[i] * pre * gain[i] : xb[i];
        }
        // the model: each segment a K-filter from rest, storing the ticks it owns
        int blocksPerTick = tick / DspKernels.TP_BLOCK;
        double[] wantTicks = new double[N];
        float[] wantEnergy = new float[N * blocksPerTick];
        double[] wantEnd = new double[8], wantState = new double[8 * segs];
        for (int s = 0; s < segs; s++) {
            double[] lanes = new double[8]; // s1 s2 u1 u2 of a, then of b
            for (int k = 0; k < count; k++) {
                int t = starts[s] + k;
                double[] blockA = new double[blocksPerTick + 1], blockB = new double[blocksPerTick + 1];
                double ea = filterTick(ia, t * tick, tick, lanes, 0, blockA), eb = filterTick(ib, t * tick, tick, lanes, 4, blockB);
                if (t >= bounds[s] && t < bounds[s + 1]) {
                    wantTicks[t] = 1.0 * ea + wb * eb;
                    for (int q = 0; q < blocksPerTick; q++) {
                        wantEnergy[t * blocksPerTick + q] = (float) (1.0 * blockA[q] + wb * blockB[q]);
                    }
                }
                if (s == segs - 1 && t == bounds[segs] - 1) System.arraycopy(lanes, 0, wantEnd, 0, 8);
            }
            System.arraycopy(lanes, 0, wantState, 8 * s, 4);      // lane a of segment s
            System.arraycopy(lanes, 4, wantState, 8 * s + 4, 4);  // lane b
        }
        String what = tick + "-sample ticks, " + segs + " segments " + Arrays.toString(bounds) + (wb == 0 ? ", mono" : ", stereo")
                + ", extras " + extras;

        Result ref = run(JavaDsp.INSTANCE, tick, frames, xa, xb, wb, gain, pre, starts, bounds, count, extras, new int[] {count});
        Result whole = run(nat(), tick, frames, xa, xb, wb, gain, pre, starts, bounds, count, extras, new int[] {count});
        Result pieces = run(nat(), tick, frames, xa, xb, wb, gain, pre, starts, bounds, count, extras, new int[] {1, 3, 2, 5, 1});
        for (Result r : new Result[] {ref, whole}) {
            boolean exact = r == ref; // the reference is the model's arithmetic; native fuses multiply-adds
            String who = (exact ? "reference, " : "native, ") + what;
            for (int t = 0; t < N; t++) {
                assertEquals(wantTicks[t], r.ticks[t], exact ? 0 : 1e-10 * wantTicks[t], "tick " + t + ", " + who);
            }
            for (int t = N; t < r.ticks.length; t++) assertTrue(Double.isNaN(r.ticks[t]), "nothing stored past n: " + who);
            // states: to 1e-9 of the lane's largest (a state near a zero crossing has no relative precision of its
            // own); lane layout: segment s's a then b, 4 doubles each, as the model keeps them
            for (int j = 0; j < 8; j++) {
                assertEquals(wantEnd[j], r.end[j], exact ? 0 : 1e-9 * laneScale(wantEnd, j), "end state " + j + ", " + who);
            }
            for (int j = 0; j < 8 * segs; j++) {
                assertEquals(wantState[j], r.state[j], exact ? 0 : 1e-9 * laneScale(wantState, j), "state " + j + ", " + who);
            }
            int storedBlocks = N * blocksPerTick;
            if (extras == 1) {
                for (int q = 0; q < storedBlocks; q++) {
                    assertEquals(wantEnergy[q], r.energy[q], exact ? 0 : 1e-6 * wantEnergy[q], "block energy " + q + ", " + who);
                }
            }
            if (extras == 1 || extras == 2) {
                for (int q = 0; q < storedBlocks; q++) {
                    float[] mm = minMax(ia, q), mmb = minMax(ib, q);
                    assertEquals(mm[0], r.maxA[q], 0f, "max a, block " + q + ", " + who);
                    assertEquals(mm[1], r.minA[q], 0f, "min a, block " + q + ", " + who);
                    assertEquals(mmb[0], r.maxB[q], 0f, "max b, block " + q + ", " + who);
                    assertEquals(mmb[1], r.minB[q], 0f, "min b, block " + q + ", " + who);
                }
                for (float[] a : new float[][] {r.maxA, r.minA, r.maxB, r.minB}) {
                    for (int q = storedBlocks; q < a.length; q++) assertEquals(SENTINEL, a[q], 0f, "no extremes past n: " + who);
                }
            }
            if (extras >= 2) {
                for (int i = 0; i < N * tick; i++) {
                    assertEquals(ia[i], r.outA[i], 0f, "output a at " + i + ", " + who);
                    assertEquals(ib[i], r.outB[i], 0f, "output b at " + i + ", " + who);
                }
                for (int i = N * tick; i < r.outA.length; i++) assertEquals(SENTINEL, r.outA[i], 0f, "no output past n: " + who);
            }
        }
        // native, cut into pieces that carry the state, gives the bytes of one whole call
        assertArrayEquals(whole.ticks, pieces.ticks, "pieces: ticks, " + what);
        assertArrayEquals(whole.state, pieces.state, "pieces: state, " + what);
        assertArrayEquals(whole.end, pieces.end, "pieces: end state, " + what);
        assertArrayEquals(whole.energy, pieces.energy, "pieces: energies, " + what);
        assertArrayEquals(whole.maxA, pieces.maxA, "pieces: extremes, " + what);
        assertArrayEquals(whole.outB, pieces.outB, "pieces: output, " + what);
    }

    private record Result(double[] ticks, double[] state, double[] end, float[] energy, float[] maxA, float[] minA,
                          float[] maxB, float[] minB, float[] outA, float[] outB) {}

    private static Result run(DspKernels k, int tick, int frames, float[] xa, float[] xb, double wb, float[] gain,
                              float pre, int[] starts, int[] bounds, int count, int extras, int[] pieces) {
        int blocks = frames / DspKernels.TP_BLOCK + 8;
        double[] ticks = new double[N + 4];
        Arrays.fill(ticks, Double.NaN);
        double[] state = new double[8 * starts.length], end = new double[8];
        float[][] f = new float[5][blocks];
        for (float[] a : f) Arrays.fill(a, SENTINEL);
        float[] outA = new float[frames + 16], outB = new float[frames + 16];
        Arrays.fill(outA, SENTINEL);
        Arrays.fill(outB, SENTINEL);
        DspKernels.KWeightExtras ex = switch (extras) {
            case 1 -> DspKernels.KWeightExtras.extremes(f[0], f[1], f[2], f[3], f[4]);
            case 2 -> new DspKernels.KWeightExtras(gain, pre, outA, outB, f[0], f[1], f[2], f[3], null);
            case 3 -> new DspKernels.KWeightExtras(gain, pre, outA, outB, null, null, null, null, null);
            default -> null;
        };
        int[] at = new int[starts.length];
        for (int done = 0, p = 0; done < count; p++) {
            int c = Math.min(pieces[p % pieces.length], count - done);
            for (int s = 0; s < starts.length; s++) at[s] = starts[s] + done;
            k.kWeight(xa, xb, frames, tick, at, c, bounds, COEF, 1.0, wb, state, ticks, end, ex);
            done += c;
        }
        return new Result(ticks, state, end, f[4], f[0], f[1], f[2], f[3], outA, outB);
    }

    /**
     * One tick of one lane, the reference arithmetic in order (transposed direct form II in double, states under
     * 1e-30 flushed at the tick's end); returns Σz² and puts each 16-sample block's Σz² into {@code blocks}.
     */
    private static double filterTick(float[] x, int from, int tick, double[] st, int o, double[] blocks) {
        double b0 = COEF[0], b1 = COEF[1], b2 = COEF[2], a1 = COEF[3], a2 = COEF[4], h1 = COEF[5], h2 = COEF[6];
        double s1 = st[o], s2 = st[o + 1], u1 = st[o + 2], u2 = st[o + 3], acc = 0, block = 0;
        for (int i = from; i < from + tick; i++) {
            double in = x[i];
            double y = b0 * in + s1;
            s1 = b1 * in - a1 * y + s2;
            s2 = b2 * in - a2 * y;
            double z = y + u1;
            u1 = -2.0 * y - h1 * z + u2;
            u2 = y - h2 * z;
            acc += z * z;
            block += z * z;
            if ((i - from) % DspKernels.TP_BLOCK == DspKernels.TP_BLOCK - 1) {
                blocks[(i - from) / DspKernels.TP_BLOCK] = block;
                block = 0;
            }
        }
        st[o] = Math.abs(s1) < 1e-30 ? 0 : s1;
        st[o + 1] = Math.abs(s2) < 1e-30 ? 0 : s2;
        st[o + 2] = Math.abs(u1) < 1e-30 ? 0 : u1;
        st[o + 3] = Math.abs(u2) < 1e-30 ? 0 : u2;
        return acc;
    }

    private static double laneScale(double[] states, int j) {
        double m = 1e-300;
        for (int q = j / 4 * 4; q < j / 4 * 4 + 4; q++) m = Math.max(m, Math.abs(states[q]));
        return m;
    }

    private static float[] minMax(float[] x, int block) {
        float hi = Float.NEGATIVE_INFINITY, lo = Float.POSITIVE_INFINITY;
        for (int i = block * DspKernels.TP_BLOCK; i < (block + 1) * DspKernels.TP_BLOCK; i++) {
            hi = Math.max(hi, x[i]);
            lo = Math.min(lo, x[i]);
        }
        return new float[] {hi, lo};
    }

    @Test
    void refusesLayoutsOutsideTheContract() {
        float[] x = new float[4800];
        double[] st = new double[32], ticks = new double[10], end = new double[8];
        for (DspKernels k : new DspKernels[] {JavaDsp.INSTANCE, nat()}) {
            // three segments; bounds that do not match the starts; stores past the ticks; a segment before tick 0
            assertThrows(IllegalArgumentException.class, () -> k.kWeight(x, x, 4800, 480, new int[] {0, 3, 6}, 4,
                    new int[] {0, 4, 7, 10}, COEF, 1, 1, st, ticks, end, null));
            assertThrows(IllegalArgumentException.class, () -> k.kWeight(x, x, 4800, 480, new int[] {0, 3}, 4,
                    new int[] {0, 5}, COEF, 1, 1, st, ticks, end, null));
            assertThrows(IllegalArgumentException.class, () -> k.kWeight(x, x, 4800, 480, new int[] {0, 3}, 8,
                    new int[] {0, 5, 11}, COEF, 1, 1, st, ticks, end, null));
            assertThrows(IllegalArgumentException.class, () -> k.kWeight(x, x, 4800, 480, new int[] {0, -1}, 4,
                    new int[] {0, 5, 10}, COEF, 1, 1, st, ticks, end, null));
        }
        assertTrue(nat().kWeightSegments() == 2 || nat().kWeightSegments() == 4);
        assertEquals(2, JavaDsp.INSTANCE.kWeightSegments());
    }
}
