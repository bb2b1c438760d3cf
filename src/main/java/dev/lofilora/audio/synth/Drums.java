package dev.lofilora.audio.synth;

import java.util.SplittableRandom;

/**
 * Synthesised drum one-shots (rendered once per clip, then mixed at each hit): a pitch-swept sine kick,
 * a noise-plus-tone snare, a resonant rim click, and high-passed noise hats.
 */
final class Drums {
    final float[] kick, snare, rim, hat, openHat;

    Drums(int sr, SplittableRandom rnd) {
        kick = kick(sr);
        snare = snare(sr, rnd);
        rim = rim(sr, rnd);
        hat = hat(sr, rnd, 0.035);
        openHat = hat(sr, rnd, 0.22);
    }

    private static float[] kick(int sr) {
        float[] s = new float[(int) (0.35 * sr)];
        double phase = 0, amp = 1, decay = Osc.decay(0.12, sr);
        for (int k = 0; k < s.length; k++) {
            double t = k / (double) sr;
            double f = 48 + 110 * StrictMath.exp(-t / 0.03);   // fast downward sweep: the "thump"
            phase += f / sr;
            double click = k < sr / 1000 ? 0.4 : 0;
            s[k] = (float) (amp * (Osc.sin(phase) + click));
            amp *= decay;
        }
        return s;
    }

    private static float[] snare(int sr, SplittableRandom rnd) {
        float[] s = new float[(int) (0.3 * sr)];
        double noiseAmp = 0.8, noiseDecay = Osc.decay(0.07, sr);
        double toneAmp = 0.6, toneDecay = Osc.decay(0.05, sr);
        double lp = 0, hpPrev = 0, hpOut = 0;
        for (int k = 0; k < s.length; k++) {
            double x = rnd.nextDouble() * 2 - 1;
            lp += 0.5 * (x - lp);                         // soften the top a little
            hpOut = 0.9 * (hpOut + lp - hpPrev);          // remove the low end of the noise
            hpPrev = lp;
            double tone = Osc.sin(k * 185.0 / sr) + 0.5 * Osc.sin(k * 330.0 / sr);
            s[k] = (float) (noiseAmp * hpOut + toneAmp * tone);
            noiseAmp *= noiseDecay;
            toneAmp *= toneDecay;
        }
        return s;
    }

    private static float[] rim(int sr, SplittableRandom rnd) {
        float[] s = new float[(int) (0.06 * sr)];
        double amp = 1, decay = Osc.decay(0.012, sr);
        for (int k = 0; k < s.length; k++) {
            double x = Osc.sin(k * 1700.0 / sr) + 0.6 * Osc.sin(k * 460.0 / sr) + 0.3 * (rnd.nextDouble() * 2 - 1);
            s[k] = (float) (0.7 * amp * x);
            amp *= decay;
        }
        return s;
    }

    private static float[] hat(int sr, SplittableRandom rnd, double tau) {
        float[] s = new float[(int) (Math.min(1, 5 * tau) * sr)];
        double amp = 1, decay = Osc.decay(tau, sr);
        double prev = 0, hp = 0, prev2 = 0, hp2 = 0;
        for (int k = 0; k < s.length; k++) {
            double x = rnd.nextDouble() * 2 - 1;
            hp = 0.6 * (hp + x - prev);      // two first-order high-passes: a metallic hiss
            prev = x;
            hp2 = 0.6 * (hp2 + hp - prev2);
            prev2 = hp;
            s[k] = (float) (0.5 * amp * hp2);
            amp *= decay;
        }
        return s;
    }

    /** Adds {@code shot} at frame {@code start} with gain {@code vel} and a pan. */
    static void hit(float[][] out, float[] shot, int start, double vel, double pan) {
        int n = out[0].length;
        float[] g = Voices.pan(pan, vel);
        int end = Math.min(n, start + shot.length);
        for (int i = Math.max(0, start); i < end; i++) {
            float v = shot[i - start];
            out[0][i] += v * g[0];
            out[1][i] += v * g[1];
        }
    }
}
