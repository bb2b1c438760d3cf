package dev.lofilora.audio.loudness;

import dev.lofilora.audio.AudioBuffer;

/**
 * Synthesised EBU Tech 3341 / 3342 test signals: a phase-continuous 1 kHz sine, the same on every channel, whose
 * per-channel peak level changes from segment to segment (dBFS = peak level, as in the EBU tables).
 */
final class EbuSignals {
    private EbuSignals() {}

    /** A segment: {@code seconds} of sine at {@code dbfs} peak (-Infinity for silence). */
    record Segment(double seconds, double dbfs) {}

    static Segment seg(double seconds, double dbfs) { return new Segment(seconds, dbfs); }

    static AudioBuffer sine(int sampleRate, int channels, Segment... segments) {
        double[] perChannelDb = new double[channels];
        return sine(sampleRate, perChannelDb, segments);
    }

    /** As {@link #sine(int, int, Segment...)} with an extra per-channel level offset in dB. */
    static AudioBuffer sine(int sampleRate, double[] channelOffsetDb, Segment... segments) {
        int total = 0;
        for (Segment s : segments) total += (int) Math.round(s.seconds() * sampleRate);
        float[][] x = new float[channelOffsetDb.length][total];
        double[] gain = new double[x.length];
        for (int c = 0; c < x.length; c++) gain[c] = Math.pow(10.0, channelOffsetDb[c] / 20.0);
        // 1 kHz has a whole-sample period at rates that are multiples of 1 kHz: one table instead of a sin per sample
        int period = sampleRate % 1000 == 0 ? sampleRate / 1000 : 0;
        double[] table = new double[period];
        for (int i = 0; i < period; i++) table[i] = Math.sin(2.0 * Math.PI * 1000.0 * i / sampleRate);
        int n = 0;
        for (Segment s : segments) {
            int len = (int) Math.round(s.seconds() * sampleRate);
            double amp = Math.pow(10.0, s.dbfs() / 20.0);
            for (int i = 0; i < len; i++, n++) {
                double v = amp * (period > 0 ? table[n % period] : Math.sin(2.0 * Math.PI * 1000.0 * n / sampleRate));
                for (int c = 0; c < x.length; c++) x[c][n] = (float) (v * gain[c]);
            }
        }
        return new AudioBuffer(x, sampleRate);
    }

    /**
     * Tech 3341 true-peak cases 15–19: a stereo sine at {@code fs/divisor}, peak {@code peakDb} dBFS, phase {@code phaseDeg}, with 10 ms linear fades in and out, 1 s long at 48 kHz.
     */
    static AudioBuffer truePeakSine(int divisor, double peakDb, double phaseDeg) {
        double amplitude = Math.pow(10.0, peakDb / 20.0);
        int fs = 48000, n = fs, fade = fs / 100;
        float[] s = new float[n];
        double phase = Math.toRadians(phaseDeg);
        for (int i = 0; i < n; i++) {
            double env = Math.min(1.0, Math.min(i / (double) fade, (n - 1 - i) / (double) fade));
            s[i] = (float) (amplitude * env * Math.sin(2.0 * Math.PI * i / divisor + phase));
        }
        return new AudioBuffer(new float[][] {s, s.clone()}, fs);
    }
}
