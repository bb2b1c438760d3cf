package dev.lofilora.audio.loudness;

import dev.lofilora.audio.AudioBuffer;

/**
 * Transparent look-ahead true-peak limiter: the returned audio measures at or under {@code ceilingDbtp} on both
 * the ITU 48-tap and libebur128's interpolator; audio already under the ceiling is returned unchanged.
 */
public final class TruePeakLimiter {
    private final double ceilingDbtp;

    public TruePeakLimiter(double ceilingDbtp) {
        this.ceilingDbtp = ceilingDbtp;
    }

    public double ceilingDbtp() { return ceilingDbtp; }

    public AudioBuffer apply(AudioBuffer audio) {
        throw new UnsupportedOperationException("stub: implemented by the loudness work");
    }
}
