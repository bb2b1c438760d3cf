package dev.lofilora.audio.qc;

import dev.lofilora.audio.AudioBuffer;
import dev.lofilora.audio.dsp.DspKernels;

/** Frame-RMS silence analysis. A frame is silent when every channel's RMS is below the threshold. */
final class Silence {
    private Silence() {}

    /**
     * Fraction of frames that are silent, from the frame energies of {@link ChannelStats} (frames of
     * {@code frameSamples}, the last one may be shorter; {@code n} samples per channel): the fused pass has summed them
     * already, so this reads no sample.
     */
    static double silentRatio(ChannelStats[] stats, int n, int frameSamples, double thresholdDbfs) {
        if (n == 0) return 1.0;
        double limit = Math.pow(10.0, thresholdDbfs / 10.0); // mean-square threshold
        int frames = stats[0].frameEnergy.length;
        int silent = 0;
        for (int f = 0; f < frames; f++) {
            int s = f * frameSamples, e = Math.min(n, s + frameSamples);
            double need = limit * (e - s);
            boolean quiet = true;
            for (ChannelStats c : stats) quiet &= c.frameEnergy[f] < need;
            if (quiet) silent++;
        }
        return silent / (double) frames;
    }

    /**
     * Sum of x² over [s, e): chunks of {@value DspKernels#QC_CHUNK} from s in float (four accumulators), added in double,
     * then the rest one float product at a time: the arithmetic of the Java reference of the frame energies ({@link DspKernels#qcStats}).
     */
    static double energy(float[] x, int s, int e) {
        double fq = 0;
        int i = s;
        for (; i + DspKernels.QC_CHUNK <= e; i += DspKernels.QC_CHUNK) {
            float q0 = 0, q1 = 0, q2 = 0, q3 = 0;
            for (int j = i; j < i + DspKernels.QC_CHUNK; j += 4) {
                float a = x[j], b = x[j + 1], c = x[j + 2], d = x[j + 3];
                q0 += a * a; q1 += b * b; q2 += c * c; q3 += d * d;
            }
            fq += (q0 + q1) + (q2 + q3);
        }
        for (; i < e; i++) fq += x[i] * x[i];
        return fq;
    }

    private static boolean frameSilent(float[][] x, int s, int e, double limit) {
        double need = limit * (e - s);
        for (float[] ch : x) if (!(energy(ch, s, e) < need)) return false;
        return true;
    }

    /**
     * {start, end}: the first and one past the last sample of the non-silent part. Frames of 10 ms decide where
     * sound starts and stops; inside the first and last sounding frame the bound moves to the first/last sample whose
     * magnitude (any channel) reaches the threshold. {0, 0} when everything is silent.
     */
    static int[] bounds(AudioBuffer audio, double thresholdDbfs) {
        int n = audio.frames();
        int frame = Math.max(1, audio.sampleRate() / 100);
        double limit = Math.pow(10.0, thresholdDbfs / 10.0);
        float amp = (float) Math.pow(10.0, thresholdDbfs / 20.0);
        int frames = (n + frame - 1) / frame;
        int first = -1, last = -1;
        for (int f = 0; f < frames; f++) {
            if (!frameSilent(audio.samples(), f * frame, Math.min(n, (f + 1) * frame), limit)) { first = f; break; }
        }
        if (first < 0) return new int[] {0, 0};
        for (int f = frames - 1; f >= first; f--) {
            if (!frameSilent(audio.samples(), f * frame, Math.min(n, (f + 1) * frame), limit)) { last = f; break; }
        }
        int start = first * frame, end = Math.min(n, (last + 1) * frame);
        int s = start;
        while (s < end && belowAll(audio.samples(), s, amp)) s++;
        int e = end;
        while (e > s && belowAll(audio.samples(), e - 1, amp)) e--;
        // an RMS-loud frame always has a sample at or above its RMS, so s < e here
        return new int[] {s, e};
    }

    private static boolean belowAll(float[][] x, int i, float amp) {
        for (float[] ch : x) if (Math.abs(ch[i]) >= amp) return false;
        return true;
    }
}
