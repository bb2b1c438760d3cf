package dev.lofilora.audio.synth;

import java.util.SplittableRandom;

/** The "lofi" treatment: low-pass tone, tape wow/flutter, vinyl crackle and hiss, rain. */
final class TapeEffects {
    /** exp(−k/6) with alternating sign: the ringing of one click. */
    private static final double[] CLICK_SHAPE = new double[48];
    /** exp(−k/5)·sin(2π·0.19·k): one rain drop. */
    private static final double[] DROP_SHAPE = new double[30];

    static {
        for (int k = 0; k < CLICK_SHAPE.length; k++) CLICK_SHAPE[k] = StrictMath.exp(-k / 6.0) * (k % 2 == 0 ? 1 : -0.6);
        for (int k = 0; k < DROP_SHAPE.length; k++) DROP_SHAPE[k] = StrictMath.exp(-k / 5.0) * Osc.sin(k * 0.19);
    }

    private TapeEffects() {}

    /** Second-order Butterworth low-pass (RBJ biquad), in place. */
    static void lowpass(float[] x, int sr, double cutoffHz) {
        double fc = Math.min(cutoffHz, sr * 0.45);
        double w0 = 2 * Math.PI * fc / sr;
        double alpha = StrictMath.sin(w0) / (2 * StrictMath.sqrt(0.5));
        double cos = StrictMath.cos(w0);
        double a0 = 1 + alpha;
        double b0 = (1 - cos) / 2 / a0, b1 = (1 - cos) / a0, b2 = b0;
        double a1 = -2 * cos / a0, a2 = (1 - alpha) / a0;
        double x1 = 0, x2 = 0, y1 = 0, y2 = 0;
        for (int i = 0; i < x.length; i++) {
            double in = x[i];
            double y = b0 * in + b1 * x1 + b2 * x2 - a1 * y1 - a2 * y2;
            x2 = x1; x1 = in; y2 = y1; y1 = y;
            x[i] = (float) y;
        }
    }

    /**
     * Wow and flutter as a modulated delay line: a delay d(t) = A·sin(2πft) shifts pitch by −d'(t), so a
     * depth of c cents at rate f needs A = (2^(c/1200) − 1) / (2πf) seconds. The delay stays bounded, so
     * the average tempo is exactly preserved.
     */
    static float[][] wowFlutter(float[][] in, int sr, double wowCents, double flutterCents, SplittableRandom rnd) {
        if (wowCents == 0 && flutterCents == 0) return in;
        double wowHz = 0.35 + 0.4 * rnd.nextDouble();
        double flutterHz = 5.5 + 3 * rnd.nextDouble();
        double wowPhase = rnd.nextDouble(), flutterPhase = rnd.nextDouble();
        double wowA = (StrictMath.pow(2, wowCents / 1200) - 1) / (2 * Math.PI * wowHz) * sr;
        double flutterA = (StrictMath.pow(2, flutterCents / 1200) - 1) / (2 * Math.PI * flutterHz) * sr;
        double base = wowA + flutterA + 2;
        int n = in[0].length;
        float[][] out = new float[in.length][n];
        double wInc = wowHz / sr, fInc = flutterHz / sr;
        int block = 16;   // the delay is smooth (≤ 9 Hz): evaluate it every 16 samples, interpolate between
        double dNext = delay(0, base, wowA, wowPhase, wInc, flutterA, flutterPhase, fInc), d = dNext, slope = 0;
        for (int i = 0; i < n; i++) {
            if (i % block == 0) {
                d = dNext;
                dNext = delay(i + block, base, wowA, wowPhase, wInc, flutterA, flutterPhase, fInc);
                slope = (dNext - d) / block;
            } else {
                d += slope;
            }
            double pos = i - d + base;   // shift by the mean delay so the clip stays aligned with its grid
            int j = (int) Math.floor(pos);
            double t = pos - j;
            for (int c = 0; c < in.length; c++) {
                float a = j >= 0 && j < n ? in[c][j] : 0;
                float b = j + 1 >= 0 && j + 1 < n ? in[c][j + 1] : 0;
                out[c][i] = (float) (a + t * (b - a));
            }
        }
        return out;
    }

    private static double delay(int i, double base, double wowA, double wowPhase, double wInc,
                                double flutterA, double flutterPhase, double fInc) {
        return base + wowA * Osc.sin(wowPhase + i * wInc) + flutterA * Osc.sin(flutterPhase + i * fInc);
    }

    /** Frames until the next event of a Poisson process with {@code perSample} events per frame. */
    private static int nextGap(SplittableRandom rnd, double perSample) {
        return 1 + (int) (-StrictMath.log(1 - rnd.nextDouble()) / perSample);
    }

    /** Vinyl: Poisson-timed clicks of random size (a few loud pops among many ticks) over soft hiss. */
    static void crackle(float[][] out, int sr, double level, SplittableRandom rnd) {
        if (level == 0) return;
        int n = out[0].length;
        double perSample = (8 + 30 * level) / sr;
        double hissLp = 0;
        double hiss = 0.012 * level;
        int nextClick = nextGap(rnd, perSample);
        for (int i = 0; i < n; i++) {
            double w = rnd.nextDouble() * 2 - 1;
            hissLp += 0.3 * (w - hissLp);
            float h = (float) (hiss * hissLp);
            out[0][i] += h;
            out[1][i] += h;
            if (i == nextClick) {
                nextClick += nextGap(rnd, perSample);
                double size = 0.08 * level * StrictMath.pow(rnd.nextDouble(), 3) + 0.01 * level;
                double sign = rnd.nextBoolean() ? 1 : -1;
                int len = 8 + rnd.nextInt(40);
                double side = rnd.nextDouble();
                for (int k = 0; k < len && i + k < n; k++) {
                    double v = sign * size * CLICK_SHAPE[k];
                    out[0][i + k] += (float) (v * (1 - 0.5 * side));
                    out[1][i + k] += (float) (v * (0.5 + 0.5 * side));
                }
            }
        }
    }

    /**
     * Tape hiss: a constant, full-band, decorrelated noise floor about 50 dB under full scale. Every preset gets it:
     * it is part of the lofi sound, and without it a clip low-passed under 10 kHz has no content above that at all,
     * which the bandwidth quality check rightly reads as upsampled low-rate material.
     */
    static void hiss(float[][] out, double amplitude, SplittableRandom rnd) {
        int n = out[0].length;
        for (float[] ch : out) {
            double prev = 0;
            for (int i = 0; i < n; i++) {
                double w = rnd.nextDouble() * 2 - 1;
                // a gentle first-difference tilt: more energy up top, as tape hiss has
                ch[i] += (float) (amplitude * (0.6 * w + 0.4 * (w - prev)));
                prev = w;
            }
        }
    }

    /** Rain: band-limited noise with slow swells, plus scattered drop ticks. */
    static void rain(float[][] out, int sr, double level, SplittableRandom rnd) {
        if (level == 0) return;
        int n = out[0].length;
        double[] lp = new double[2], lp2 = new double[2];
        double swellInc = 0.07 / sr, swellPhase = rnd.nextDouble();
        double drops = 25.0 / sr;
        int nextDrop = nextGap(rnd, drops);
        for (int i = 0; i < n; i++) {
            double swell = 0.75 + 0.25 * Osc.sin(swellPhase + i * swellInc);
            for (int c = 0; c < 2; c++) {
                double w = rnd.nextDouble() * 2 - 1;
                lp[c] += 0.35 * (w - lp[c]);
                lp2[c] += 0.04 * (lp[c] - lp2[c]);
                out[c][i] += (float) (0.05 * level * swell * (lp[c] - lp2[c]));
            }
            if (i == nextDrop) {
                nextDrop += nextGap(rnd, drops);
                int c = rnd.nextInt(2);
                double size = 0.02 * level * rnd.nextDouble();
                for (int k = 0; k < DROP_SHAPE.length && i + k < n; k++) out[c][i + k] += (float) (size * DROP_SHAPE[k]);
            }
        }
    }
}
