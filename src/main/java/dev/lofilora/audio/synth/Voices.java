package dev.lofilora.audio.synth;

import java.util.SplittableRandom;

/**
 * The pitched instruments. Each method adds one note into a stereo buffer {@code out[2][n]} starting at
 * frame {@code start}, holding for {@code hold} frames and then releasing; nothing is written past the end.
 * Envelopes are recursive multiplications (pure IEEE arithmetic), so rendering is bit-reproducible.
 */
final class Voices {
    private Voices() {}

    /** Left/right gains of an equal-power pan, pan in [-1, 1]. */
    static float[] pan(double pan, double gain) {
        double a = (pan + 1) * Math.PI / 4;
        return new float[] {(float) (gain * StrictMath.cos(a)), (float) (gain * StrictMath.sin(a))};
    }

    /**
     * Electric piano: 1:1 FM with a decaying modulation index (the bright "bark" fades to a sine) plus a
     * short inharmonic tine partial at the attack, and a slow tremolo.
     */
    static void epiano(float[][] out, int sr, int start, int hold, double hz, double vel, double pan) {
        int n = out[0].length;
        float[] g = pan(pan, vel);
        double inc = hz / sr;
        double tineInc = hz * 7.02 / sr;
        boolean tine = hz * 7.02 < sr * 0.45;
        double amp = 1, ampDecay = Osc.decay(1.6 * StrictMath.pow(261.0 / hz, 0.4), sr);
        double index = 1.4, indexDecay = Osc.decay(0.25, sr);
        double tineAmp = 0.3, tineDecay = Osc.decay(0.012, sr);
        double release = Osc.decay(0.06, sr);
        double tremInc = 4.5 / sr;
        int attack = sr / 500;
        int end = Math.min(n, start + hold + sr / 4);
        double trem = 1;
        for (int i = start, k = 0; i < end; i++, k++) {
            double ph = k * inc;
            // once the modulation index has decayed the voice is a plain sine: skip the modulator
            double s = index > 1e-3 ? Osc.sin(ph + index * Osc.sin(ph) / (2 * Math.PI)) : Osc.sin(ph);
            if (tine && tineAmp > 1e-4) s += tineAmp * Osc.sin(k * tineInc);
            double a = amp * (k < attack ? k / (double) attack : 1);
            if ((k & 63) == 0) trem = 1 + 0.12 * Osc.sin(k * tremInc);   // 4.5 Hz: a control rate is plenty
            float v = (float) (s * a);
            out[0][i] += v * g[0] * (float) trem;
            out[1][i] += v * g[1] * (float) (2 - trem);
            amp *= k < hold ? ampDecay : release;
            index *= indexDecay;
            tineAmp *= tineDecay;
            if (amp < 1e-4) break;
        }
    }

    /** Piano: six slightly inharmonic partials, higher ones decaying faster; a soft hammer at the attack. */
    static void piano(float[][] out, int sr, int start, int hold, double hz, double vel, double pan) {
        int n = out[0].length;
        float[] g = pan(pan, vel);
        int partials = 6;
        double[] inc = new double[partials];
        double[] amp = new double[partials];
        double[] decay = new double[partials];
        double baseTau = 2.2 * StrictMath.pow(261.0 / hz, 0.5);
        for (int p = 0; p < partials; p++) {
            int m = p + 1;
            double f = hz * m * StrictMath.sqrt(1 + 0.0004 * m * m);   // stiff-string inharmonicity
            inc[p] = f < sr * 0.45 ? f / sr : 0;
            amp[p] = inc[p] == 0 ? 0 : StrictMath.pow(m, -1.3) * (m == 1 ? 1 : 0.7);
            decay[p] = Osc.decay(baseTau / (1 + 0.6 * p), sr);
        }
        double release = Osc.decay(0.08, sr);
        int attack = sr / 1000;
        int end = Math.min(n, start + hold + sr / 3);
        double env = 1;
        for (int i = start, k = 0; i < end; i++, k++) {
            double s = 0;
            for (int p = 0; p < partials; p++) {
                if (amp[p] < 1e-5) continue;
                s += amp[p] * Osc.sin(k * inc[p]);
                amp[p] *= decay[p];
            }
            if (k < attack) s *= k / (double) attack;
            float v = (float) (s * env);
            out[0][i] += v * g[0];
            out[1][i] += v * g[1];
            if (k >= hold) env *= release;
            if (env < 1e-4) break;
        }
    }

    /** Pad: two detuned voices of three harmonics, slow attack and release, wide stereo. */
    static void pad(float[][] out, int sr, int start, int hold, double hz, double vel) {
        int n = out[0].length;
        double detune = StrictMath.pow(2, 7 / 1200.0);
        double incA = hz / sr * detune, incB = hz / sr / detune;
        double attackSamples = 0.5 * sr;
        double release = Osc.decay(0.4, sr);
        int end = Math.min(n, start + hold + sr);
        double env = 0;
        for (int i = start, k = 0; i < end; i++, k++) {
            if (k < hold) env = Math.min(1, k / attackSamples);
            else env *= release;
            double a = Osc.pad(k * incA), b = Osc.pad(k * incB);
            out[0][i] += (float) (vel * env * a);
            out[1][i] += (float) (vel * env * b);
            if (k >= hold && env < 1e-4) break;
        }
    }

    /**
     * Plucked string (Karplus–Strong): a noise burst circulating in a delay line with a two-point average;
     * a first-order all-pass supplies the fractional part of the period so the pitch is in tune.
     */
    static void pluck(float[][] out, int sr, int start, int hold, double hz, double vel, double pan,
                      SplittableRandom rnd) {
        int n = out[0].length;
        float[] g = pan(pan, vel);
        double period = sr / hz - 0.5;   // the two-point average delays by half a sample
        int len = (int) Math.floor(period);
        double frac = period - len;
        if (frac < 0.1) { len -= 1; frac += 1; }   // keep the all-pass coefficient well inside (−1, 1)
        double c = (1 - frac) / (1 + frac);
        double[] line = new double[len];
        for (int j = 0; j < len; j++) line[j] = rnd.nextDouble() * 2 - 1;
        // soften the excitation (a pick, not a hammer)
        for (int j = 1; j < len; j++) line[j] = 0.5 * (line[j] + line[j - 1]);
        double apX = 0, apY = 0, prev = 0;
        double damping = 0.996;
        double release = Osc.decay(0.05, sr);
        double env = 1;
        int end = Math.min(n, start + hold + sr / 5);
        int pos = 0;
        for (int i = start, k = 0; i < end; i++, k++) {
            double x = line[pos];
            double avg = damping * 0.5 * (x + prev);
            prev = x;
            double y = c * avg + apX - c * apY;   // all-pass fractional delay
            apX = avg;
            apY = y;
            line[pos] = y;
            pos = pos + 1 == len ? 0 : pos + 1;
            if (k >= hold) env *= release;
            float v = (float) (x * env);
            out[0][i] += v * g[0];
            out[1][i] += v * g[1];
            if (env < 1e-4) break;
        }
    }

    /** Bass: sine with a touch of second harmonic and a soft pluck, following the chord roots. */
    static void bass(float[][] out, int sr, int start, int hold, double hz, double vel) {
        int n = out[0].length;
        double inc = hz / sr;
        double amp = 1, decay = Osc.decay(0.9, sr), release = Osc.decay(0.04, sr);
        double click = 0.5, clickDecay = Osc.decay(0.01, sr);
        int attack = sr / 400;
        int end = Math.min(n, start + hold + sr / 8);
        for (int i = start, k = 0; i < end; i++, k++) {
            double ph = k * inc;
            double s = Osc.sin(ph) + (0.25 + click) * Osc.sin(2 * ph) + 0.5 * click * Osc.sin(3 * ph);
            double a = amp * (k < attack ? k / (double) attack : 1);
            float v = (float) (vel * a * s);
            out[0][i] += v;
            out[1][i] += v;
            amp *= k < hold ? decay : release;
            click *= clickDecay;
            if (amp < 1e-4) break;
        }
    }

    /** Chiptune square (odd harmonics 1–7, band-limited) with a gate envelope and a little vibrato. */
    static void chip(float[][] out, int sr, int start, int hold, double hz, double vel, double pan) {
        int n = out[0].length;
        float[] g = pan(pan, vel);
        double inc = hz / sr;
        double vibInc = 5.5 / sr;
        double release = Osc.decay(0.02, sr);
        int end = Math.min(n, start + hold + sr / 10);
        double env = 1, phase = 0;
        for (int i = start, k = 0; i < end; i++, k++) {
            double s = 0;
            for (int h = 1; h <= 7; h += 2) if (hz * h < sr * 0.45) s += Osc.sin(h * phase) / h;
            double vib = k > sr / 8 ? 1 + 0.003 * Osc.sin(k * vibInc) : 1;
            phase += inc * vib;
            if (k >= hold) env *= release;
            float v = (float) (0.8 * s * env);
            out[0][i] += v * g[0];
            out[1][i] += v * g[1];
            if (env < 1e-4) break;
        }
    }
}
