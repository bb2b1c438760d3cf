package dev.lofilora.model.codec;

/**
 * ACE-Step's {@code MusicDCAE} constants ({@code music_dcae_pipeline.py}): the source rate, the log-mel range mapped
 * to [−1, 1] before the DCAE, and the latent shift/scale (research/acestep.md §3.5). The released values are
 * {@link #ACE_STEP}; a golden {@code pipeline/config.json} may restate them.
 */
public record MusicDcaeConfig(int sourceSampleRate, double minMelValue, double maxMelValue, double shiftFactor,
                              double scaleFactor) {
    public static final MusicDcaeConfig ACE_STEP = new MusicDcaeConfig(48000, -11.0, 3.0, -1.9091, 0.1786);

    /** The vocoder's rate, which the pipeline resamples to (hard-coded 44100 in the original). */
    public static final int MEL_SAMPLE_RATE = 44100;
    /** The original pads the 44.1 kHz audio to a multiple of 8 · 512 (latent stride × hop), hard-coded. */
    public static final int PAD_MULTIPLE = 8 * 512;

    /** Latent frames for {@code samples48k} samples of 48 kHz audio: ⌈⌈L·147/160⌉ / 4096⌉ (research §3.5). */
    public static long latentFrames(long samples48k) {
        long resampled = (147 * samples48k + 159) / 160;
        return (resampled + PAD_MULTIPLE - 1) / PAD_MULTIPLE;
    }
}
