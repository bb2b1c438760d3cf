package dev.lofilora.metrics.clap;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Preparing 48 kHz mono audio for HTSAT, as LAION-CLAP and fadtk do, made deterministic:
 * <ul>
 *   <li>{@link #quantize}: {@code int16_to_float32(float32_to_int16(x))} — clip to ±1, ×32767, truncate toward zero,
 *       ÷32767 (training/data.py); on in {@code get_audio_embedding_from_filelist} and fadtk, off in
 *       {@code frechet_audio_distance}/audiocraft; an explicit switch here.</li>
 *   <li>{@link #repeatPad}: a clip shorter than the window is repeated ⌊window/len⌋ times and zero-padded
 *       ({@code get_audio_features}, "repeatpad").</li>
 *   <li>{@link #windows}: instead of laion_clap's random 10-s crop, fadtk's rule: windows of 10 s starting every
 *       {@code hop} samples from 0 while the start is inside the clip, each zero-padded at the end. A clip no longer
 *       than one window is repeat-padded instead (one window), so short clips embed as laion_clap embeds them.</li>
 * </ul>
 */
public final class ClapAudio {
    private ClapAudio() {}

    /** A copy of {@code x} through int16 and back (truncating conversion, as numpy's astype). */
    public static float[] quantize(float[] x) {
        float[] out = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            float c = Math.max(-1f, Math.min(1f, x[i]));
            short q = (short) (c * 32767f);            // float32 product, then truncation toward zero
            out[i] = (float) (q / 32767.0);            // numpy: (x / 32767.0).astype(float32)
        }
        return out;
    }

    /** {@code repeatpad} to {@code length} samples (a copy; {@code x} of at most that length, not empty). */
    public static float[] repeatPad(float[] x, int length) {
        if (x.length == 0) throw new IllegalArgumentException("cannot pad an empty clip");
        if (x.length >= length) return Arrays.copyOf(x, length);
        int repeats = length / x.length;
        float[] out = new float[length];
        for (int r = 0; r < repeats; r++) System.arraycopy(x, 0, out, r * x.length, x.length);
        return out;
    }

    /** The windows of a clip (see the class comment); {@code hop} in samples, ≥ 1. */
    public static List<float[]> windows(float[] x, int window, int hop) {
        if (hop < 1) throw new IllegalArgumentException("hop must be at least one sample");
        List<float[]> out = new ArrayList<>();
        if (x.length <= window) {
            out.add(repeatPad(x, window));
            return out;
        }
        for (int start = 0; start < x.length; start += hop) {
            float[] w = new float[window];
            System.arraycopy(x, start, w, 0, Math.min(window, x.length - start));
            out.add(w);
        }
        return out;
    }

    /** How many windows {@link #windows} gives for {@code n} samples. */
    public static int windowCount(int n, int window, int hop) {
        return n <= window ? 1 : (n + hop - 1) / hop;
    }
}
