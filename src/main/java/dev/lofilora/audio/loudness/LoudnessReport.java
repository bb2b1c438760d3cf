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
}
