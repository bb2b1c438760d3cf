package dev.lofilora.audio.loudness;

/**
 * Loudness measurements of one signal (ITU-R BS.1770-4 / EBU R 128). Loudness in LUFS, LRA in LU, peaks in dBFS /
 * dBTP. {@code -Infinity} where the signal is silent (every block gated out).
 *
 * @param integratedLufs      gated integrated loudness (ITU/libebur128 K-weighting)
 * @param loudnessRangeLu     EBU Tech 3342 loudness range
 * @param momentaryMaxLufs    maximum momentary loudness (400 ms window, fine hop)
 * @param shortTermMaxLufs    maximum short-term loudness (3 s window, fine hop)
 * @param samplePeakDbfs      maximum |sample|
 * @param truePeakItuDbtp     true peak with the ITU BS.1770 Annex 2 48-tap 4× interpolator, max with sample peak
 * @param truePeakEbur128Dbtp true peak with libebur128's 49-tap Hann-windowed sinc interpolator, max with sample peak
 */
public record LoudnessReport(double integratedLufs, double loudnessRangeLu, double momentaryMaxLufs,
                             double shortTermMaxLufs, double samplePeakDbfs, double truePeakItuDbtp,
                             double truePeakEbur128Dbtp) {
    /** The larger of the two true-peak readings: what a ceiling must hold against. */
    public double truePeakDbtp() { return Math.max(truePeakItuDbtp, truePeakEbur128Dbtp); }

    /**
     * The report of the same audio after a plain gain of {@code gainDb}, without measuring again: every level moves
     * by exactly the gain (the K-filter, the gates and the interpolators are linear and the gates are relative or sit
     * at -70 LUFS far below any programme), and the loudness range does not change. Exact up to the float rounding
     * of the scaled samples (below 1e-6 dB). Not valid after limiting: measure the limited audio, or use
     * {@link TruePeakLimiter.Result}'s peaks and {@link LoudnessMeter#integratedLufs}.
     *
     * <p>One caveat: blocks near the -70 LUFS absolute gate can cross it under a large gain, so a file with long
     * near-silent passages can read a few hundredths of an LU differently from a fresh measurement.
     */
    public LoudnessReport withGain(double gainDb) {
        return new LoudnessReport(integratedLufs + gainDb, loudnessRangeLu, momentaryMaxLufs + gainDb,
                shortTermMaxLufs + gainDb, samplePeakDbfs + gainDb, truePeakItuDbtp + gainDb, truePeakEbur128Dbtp + gainDb);
    }
}
