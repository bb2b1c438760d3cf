package dev.lofilora.model.mel;

/**
 * The log-mel front end's parameters (ACE-Step {@code music_log_mel.py}, as the vocoder config sets them; the released
 * values are {@link #ACE_STEP}).
 */
public record LogMelConfig(int sampleRate, int nFft, int winLength, int hopLength, int nMels, double fMin, double fMax) {
    /** 44.1 kHz, n_fft = win = 2048, hop 512, 128 mels over 40–16000 Hz. */
    public static final LogMelConfig ACE_STEP = new LogMelConfig(44100, 2048, 2048, 512, 128, 40, 16000);

    public LogMelConfig {
        if (sampleRate <= 0 || nFft <= 0 || winLength <= 0 || winLength > nFft || hopLength <= 0 || nMels <= 0
                || fMin < 0 || fMax <= fMin) {
            throw new IllegalArgumentException("bad log-mel parameters: " + sampleRate + " Hz, n_fft " + nFft + ", win "
                    + winLength + ", hop " + hopLength + ", " + nMels + " mels, " + fMin + "-" + fMax + " Hz");
        }
    }

    /** Frequency bins of the one-sided STFT: n_fft/2 + 1. */
    public int nFreqs() { return nFft / 2 + 1; }

    /** Frames for {@code length} samples: the reflect padding adds win − hop, then ⌊(L' − n_fft)/hop⌋ + 1. */
    public long frames(long length) {
        long padded = length + (winLength - hopLength) / 2 + (winLength - hopLength + 1) / 2;
        return (padded - nFft) / hopLength + 1;
    }
}
