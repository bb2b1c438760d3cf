package dev.lofilora.audio.qc;

import dev.lofilora.audio.AudioBuffer;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Runs every quality check on a decoded file and returns one {@link CheckResult} per check, always in the same
 * order: {@value #DURATION}, {@value #NON_FINITE}, {@value #CLIPPING}, {@value #SILENCE}, {@value #LEADING_SILENCE},
 * {@value #TRAILING_SILENCE}, {@value #DC_OFFSET}, {@value #MONO_IN_STEREO}, {@value #PHASE_CORRELATION},
 * {@value #BANDWIDTH}, {@value #BIT_DEPTH}. Checks that do not apply (a stereo check on a mono file, bit depth of a
 * lossy source, the spectrum of silence) PASS with a detail saying so. Samples that are NaN or infinite make
 * {@value #NON_FINITE} FAIL and are read as 0 by every other check. Thread-safe (immutable).
 */
public final class QualityChecks {
    public static final String DURATION = "duration";
    public static final String NON_FINITE = "non_finite";
    public static final String CLIPPING = "clipping";
    public static final String SILENCE = "silence";
    public static final String LEADING_SILENCE = "leading_silence";
    public static final String TRAILING_SILENCE = "trailing_silence";
    public static final String DC_OFFSET = "dc_offset";
    public static final String MONO_IN_STEREO = "mono_in_stereo";
    public static final String PHASE_CORRELATION = "phase_correlation";
    public static final String BANDWIDTH = "bandwidth";
    public static final String BIT_DEPTH = "bit_depth";

    private final QcThresholds t;

    public QualityChecks(QcThresholds thresholds) {
        this.t = thresholds;
    }

    public QcThresholds thresholds() { return t; }

    /**
     * @param audio          the decoded file at its original rate, before any gain
     * @param sourceBitDepth bits per sample of the source's sample format (16, 24, 32) or 0 when not PCM/unknown
     */
    public List<CheckResult> run(AudioBuffer audio, int sourceBitDepth) {
        int pcmBits = sourceBitDepth >= 8 && sourceBitDepth <= 32 ? sourceBitDepth : 0;
        int channels = audio.channels();
        int frame = silenceFrame(audio.sampleRate());
        ChannelStats[] stats = stats(audio, frame);
        long nonFinite = 0;
        for (ChannelStats s : stats) nonFinite += s.nonFinite;
        AudioBuffer clean = audio;
        if (nonFinite > 0) { // rare: read NaN/Inf as 0 everywhere else (the clipping count keeps the raw reading)
            clean = zeroNonFinite(audio);
            ChannelStats[] again = stats(clean, frame);
            for (int c = 0; c < channels; c++) again[c].clipEvents = stats[c].clipEvents;
            stats = again;
        }

        List<CheckResult> out = new ArrayList<>(11);
        out.add(duration(audio.seconds()));
        out.add(nonFinite == 0
                ? new CheckResult(NON_FINITE, Verdict.PASS, 0, "samples", "no NaN or infinite samples")
                : new CheckResult(NON_FINITE, Verdict.FAIL, nonFinite, "samples",
                        nonFinite + " NaN or infinite samples: the decode is broken; other checks read them as 0"));
        out.add(clipping(stats, audio.seconds()));
        out.add(silence(stats, audio.frames(), frame));
        int[] bounds = silenceBounds(clean, t.silenceThresholdDbfs());
        double lead = bounds[1] == 0 ? audio.seconds() : bounds[0] / (double) audio.sampleRate();
        double trail = bounds[1] == 0 ? 0.0 : (audio.frames() - bounds[1]) / (double) audio.sampleRate();
        out.add(edgeSilence(LEADING_SILENCE, "leading", lead));
        out.add(edgeSilence(TRAILING_SILENCE, "trailing", trail));
        out.add(dcOffset(stats));
        double r = channels >= 2 ? StereoCorrelation.pearson(stats[0], stats[1]) : Double.NaN;
        out.add(mono(channels, r));
        out.add(phase(channels, r));
        out.add(bandwidth(clean, pcmBits > 0));
        out.add(bitDepth(clean, pcmBits));
        return out;
    }

    /**
     * Per-channel statistics in one pass per channel (sums, silence-frame energies, clipping runs); channel 0 also
     * collects its cross product with channel 1.
     */
    private ChannelStats[] stats(AudioBuffer audio, int frame) {
        float[][] x = audio.samples();
        ChannelStats[] s = new ChannelStats[x.length];
        for (int c = 0; c < x.length; c++) {
            s[c] = ChannelStats.of(x[c], c == 0 && x.length > 1 ? x[1] : null, (float) t.clipLevel(),
                    t.clipMinRunSamples(), frame);
        }
        return s;
    }

    /** Samples per frame of the silence analysis. */
    private int silenceFrame(int sampleRate) {
        return Math.max(1, (int) Math.round(t.silenceFrameSeconds() * sampleRate));
    }

    /** The worst verdict of {@code results} (PASS for an empty list). */
    public static Verdict worst(List<CheckResult> results) {
        Verdict w = Verdict.PASS;
        for (CheckResult r : results) if (r.verdict().compareTo(w) > 0) w = r.verdict();
        return w;
    }

    /**
     * {start, end}: the first and one past the last frame index (sample position) of the non-silent part of
     * {@code audio}, for trimming. Sound starts in the first 10 ms frame whose RMS (any channel) reaches
     * {@code thresholdDbfs}, at its first sample whose magnitude reaches it; the end likewise. {0, 0} when all silent.
     */
    public static int[] silenceBounds(AudioBuffer audio, double thresholdDbfs) {
        return Silence.bounds(audio, thresholdDbfs);
    }

    private CheckResult duration(double seconds) {
        if (seconds < t.minDurationSeconds()) {
            return new CheckResult(DURATION, Verdict.FAIL, seconds, "s",
                    fmt("%.2f s is shorter than the minimum of %.1f s", seconds, t.minDurationSeconds()));
        }
        if (seconds > t.maxDurationSeconds()) {
            return new CheckResult(DURATION, Verdict.FAIL, seconds, "s",
                    fmt("%.1f s is longer than the maximum of %.1f s", seconds, t.maxDurationSeconds()));
        }
        return new CheckResult(DURATION, Verdict.PASS, seconds, "s", fmt("%.1f s", seconds));
    }

    private CheckResult clipping(ChannelStats[] stats, double seconds) {
        long events = 0;
        for (ChannelStats s : stats) events += s.clipEvents;
        double perMinute = seconds > 0 ? events / (seconds / 60.0) : 0;
        Verdict v = perMinute >= t.clipFailPerMinute() && events > 0 ? Verdict.FAIL
                : perMinute >= t.clipWarnPerMinute() && events > 0 ? Verdict.WARN : Verdict.PASS;
        return new CheckResult(CLIPPING, v, perMinute, "events/min", fmt("%d clipping events (runs of >= %d equal "
                + "samples at >= %.2f of full scale), %.2f per minute", events, t.clipMinRunSamples(), t.clipLevel(), perMinute));
    }

    private CheckResult silence(ChannelStats[] stats, int n, int frame) {
        double ratio = Silence.silentRatio(stats, n, frame, t.silenceThresholdDbfs());
        Verdict v = ratio >= t.silentRatioFail() ? Verdict.FAIL : ratio >= t.silentRatioWarn() ? Verdict.WARN : Verdict.PASS;
        return new CheckResult(SILENCE, v, ratio, "ratio", fmt("%.1f %% of %.0f ms frames below %.0f dBFS RMS",
                100 * ratio, 1000 * t.silenceFrameSeconds(), t.silenceThresholdDbfs()));
    }

    private CheckResult edgeSilence(String name, String which, double seconds) {
        Verdict v = seconds > t.edgeSilenceWarnSeconds() ? Verdict.WARN : Verdict.PASS;
        return new CheckResult(name, v, seconds, "s", fmt("%.2f s of %s silence (below %.0f dBFS)%s", seconds, which,
                t.silenceThresholdDbfs(), v == Verdict.WARN ? "; trim it" : ""));
    }

    private CheckResult dcOffset(ChannelStats[] stats) {
        double worst = 0;
        int ch = 0;
        for (int c = 0; c < stats.length; c++) {
            if (Math.abs(stats[c].mean()) > worst) { worst = Math.abs(stats[c].mean()); ch = c; }
        }
        Verdict v = worst >= t.dcOffsetFail() ? Verdict.FAIL : worst >= t.dcOffsetWarn() ? Verdict.WARN : Verdict.PASS;
        return new CheckResult(DC_OFFSET, v, worst, "FS", fmt("largest |mean| %.5f of full scale (%.1f dBFS) in channel %d",
                worst, 20 * Math.log10(Math.max(worst, 1e-12)), ch + 1));
    }

    private CheckResult mono(int channels, double r) {
        if (channels < 2) return new CheckResult(MONO_IN_STEREO, Verdict.PASS, 0, "r", "single channel: not applicable");
        if (Double.isNaN(r)) return new CheckResult(MONO_IN_STEREO, Verdict.PASS, 0, "r", "a channel is constant: not applicable");
        Verdict v = r >= t.monoCorrelation() ? Verdict.WARN : Verdict.PASS;
        return new CheckResult(MONO_IN_STEREO, v, r, "r", v == Verdict.WARN
                ? fmt("L/R correlation %.4f: mono content in a stereo file", r) : fmt("L/R correlation %.4f", r));
    }

    private CheckResult phase(int channels, double r) {
        if (channels < 2) return new CheckResult(PHASE_CORRELATION, Verdict.PASS, 0, "r", "single channel: not applicable");
        if (Double.isNaN(r)) return new CheckResult(PHASE_CORRELATION, Verdict.PASS, 0, "r", "a channel is constant: not applicable");
        Verdict v = r <= t.phaseCorrelationFail() ? Verdict.FAIL : r <= t.phaseCorrelationWarn() ? Verdict.WARN : Verdict.PASS;
        return new CheckResult(PHASE_CORRELATION, v, r, "r", v == Verdict.PASS ? fmt("L/R correlation %.4f", r)
                : fmt("L/R correlation %.4f: channels largely out of phase, content cancels in mono", r));
    }

    /**
     * Bandwidth and the shape of the spectrum's upper edge ({@link Bandwidth}): an encoder's brick-wall cutoff under
     * {@code bandwidthFailHz} fails (a lossy transcode, or low-rate material upsampled), under {@code bandwidthWarnHz}
     * warns (a lossy source); a gentle roll-off passes whatever its frequency, with a note (a muffled master is the
     * lofi sound, not a defect).
     */
    private CheckResult bandwidth(AudioBuffer audio, boolean losslessSource) {
        Bandwidth.Analysis a = Bandwidth.analyse(audio, t.bandwidthDropDb(), t.silenceThresholdDbfs());
        double hz = a.cutoffHz();
        if (Double.isNaN(hz)) return new CheckResult(BANDWIDTH, Verdict.PASS, 0, "Hz", "no sound to analyse: not applicable");
        String base = fmt("content up to %.0f Hz (%.0f dB under the 2-10 kHz level; sample rate %d Hz)", hz,
                t.bandwidthDropDb(), audio.sampleRate());
        Spectrum sp = a.spectrum();
        if (audio.sampleRate() >= t.upsampledSourceRateHz()
                && (hz <= t.upsampledCutoffHz() || a.brickWall() && a.edgeHz() <= t.upsampledCutoffHz())) {
            return new CheckResult(BANDWIDTH, Verdict.WARN, hz, "Hz", base
                    + ": a high-rate file with 44.1/48 kHz content (upsampled)", sp);
        }
        if (a.brickWall()) {
            String edge = fmt("%s; brick-wall cutoff at %.0f Hz (the level drops %.0f dB within %.0f Hz, as an encoder's "
                    + "low-pass does)", base, a.edgeHz(), a.edgeDb(), 2 * Bandwidth.EDGE_GAP_HZ);
            String what = losslessSource ? "lossy (MP3/AAC) content in a lossless file: a transcode, or low-rate "
                    + "material upsampled" : "a low-bit-rate lossy source";
            if (a.edgeHz() < t.bandwidthFailHz()) {
                return new CheckResult(BANDWIDTH, Verdict.FAIL, hz, "Hz", edge + ": " + what + "; if the file is right "
                        + "as it is, set bandwidthFailHz in quality_checks.json below " + fmt("%.0f", a.edgeHz()), sp);
            }
            if (a.edgeHz() < t.bandwidthWarnHz()) {
                return new CheckResult(BANDWIDTH, Verdict.WARN, hz, "Hz", edge + ": " + what + "; bandwidthWarnHz in "
                        + "quality_checks.json sets where this warning starts", sp);
            }
            return new CheckResult(BANDWIDTH, Verdict.PASS, hz, "Hz", edge + ": a high-bit-rate lossy encode", sp);
        }
        if (hz < t.bandwidthWarnHz()) {
            return new CheckResult(BANDWIDTH, Verdict.PASS, hz, "Hz", base + "; a gentle roll-off, no encoder cutoff: "
                    + "a deliberately muffled master (the lofi sound), accepted", sp);
        }
        return new CheckResult(BANDWIDTH, Verdict.PASS, hz, "Hz", base, sp);
    }

    private CheckResult bitDepth(AudioBuffer audio, int pcmBits) {
        if (pcmBits == 0) {
            return new CheckResult(BIT_DEPTH, Verdict.PASS, 0, "bits", "lossy or unknown source format: not applicable");
        }
        long or = 0;
        for (float[] ch : audio.samples()) {
            long o = ChannelStats.bitOr(ch, pcmBits);
            if (o < 0) {
                return new CheckResult(BIT_DEPTH, Verdict.PASS, pcmBits, "bits",
                        pcmBits + "-bit source with samples off the integer grid (float data): not measured");
            }
            or |= o;
        }
        if (or == 0) return new CheckResult(BIT_DEPTH, Verdict.PASS, 0, "bits", "digital silence: not applicable");
        int effective = Math.max(0, pcmBits - Long.numberOfTrailingZeros(or));
        Verdict v = effective < pcmBits && effective <= t.bitDepthWarnAtOrBelow() ? Verdict.WARN : Verdict.PASS;
        return new CheckResult(BIT_DEPTH, v, effective, "bits", v == Verdict.WARN
                ? fmt("%d-bit container carrying %d-bit content", pcmBits, effective)
                : fmt("%d effective bits in a %d-bit container", effective, pcmBits));
    }

    private static AudioBuffer zeroNonFinite(AudioBuffer audio) {
        float[][] y = new float[audio.channels()][];
        for (int c = 0; c < y.length; c++) {
            y[c] = audio.samples()[c].clone();
            for (int i = 0; i < y[c].length; i++) if (!Float.isFinite(y[c][i])) y[c][i] = 0f;
        }
        return new AudioBuffer(y, audio.sampleRate());
    }

    private static String fmt(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}
