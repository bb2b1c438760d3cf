package dev.lofilora.dataset.curate;

import dev.lofilora.audio.AudioBuffer;
import dev.lofilora.audio.Parallel;
import dev.lofilora.audio.io.AudioDecoder;
import dev.lofilora.audio.io.AudioEncoder;
import dev.lofilora.audio.io.DecodedAudio;
import dev.lofilora.audio.io.Resampler;
import dev.lofilora.audio.io.SourceFormat;
import dev.lofilora.audio.io.WavFile;
import dev.lofilora.audio.loudness.LoudnessMeter;
import dev.lofilora.audio.loudness.LoudnessReport;
import dev.lofilora.audio.loudness.Measurement;
import dev.lofilora.audio.loudness.TruePeakLimiter;
import dev.lofilora.audio.qc.CheckResult;
import dev.lofilora.audio.qc.QualityChecks;
import dev.lofilora.audio.qc.Verdict;
import dev.lofilora.common.AtomicFiles;
import dev.lofilora.common.LofiException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The per-file pipeline of {@code process}: decode → quality checks (source rate) → stereo, resample → (trim) →
 * measure → gain → limit or reject → write → decode back and re-measure (for a limited track that reading also
 * decides whether the limiter runs again, measuring its own output, before a second write and read-back). Stateless
 * apart from its settings; one instance serves every worker thread.
 */
final class TrackProcessor {
    /** A limited output may read a little under the target (the limiter removes energy); re-gain until within this. */
    static final double LOUDNESS_TOLERANCE_LU = 0.05;
    /** The verified output must read within this of the target, else the file gets a warning. */
    static final double VERIFY_TOLERANCE_LU = 0.1;
    private static final int MAX_GAIN_PASSES = 4;
    /** Gain above the first limiter run's for which its peak envelope is kept (past it, it is found again). */
    private static final double NUDGE_HEADROOM_DB = 1.0;
    /** Quieter sources are rejected rather than boosted (research audio_metrics.md §2: reject I < −40 LUFS). */
    static final double MIN_INPUT_LUFS = -40.0;

    private final ProcessSettings settings;
    private final QualityChecks checks;
    private final Resampler resampler;
    private final InputOpener opener;
    private final double maxSeconds;

    /** How far the first, unmeasured limiter run's verified output may read from the target before a re-run. */
    private final double firstRunToleranceLu;

    TrackProcessor(ProcessSettings settings, QualityChecks checks, Resampler resampler, InputOpener opener) {
        this(settings, checks, resampler, opener, LOUDNESS_TOLERANCE_LU);
    }

    /** With another first-run tolerance: tests force the re-run path with 0. */
    TrackProcessor(ProcessSettings settings, QualityChecks checks, Resampler resampler, InputOpener opener,
                   double firstRunToleranceLu) {
        this.firstRunToleranceLu = firstRunToleranceLu;
        this.settings = settings;
        this.checks = checks;
        this.resampler = resampler;
        this.opener = opener;
        this.maxSeconds = checks.thresholds().maxDurationSeconds();
    }

    /** The mutable record of one file while it moves through the stages. */
    static final class Work {
        String file, input, name, category, license;
        FileStatus status = FileStatus.OK;
        final List<String> reasons = new ArrayList<>();
        String sha256;
        Long bytes;
        SourceFormat format;
        Double decodedSeconds;
        List<String> decodeWarnings;
        List<CheckResult> checks;
        LoudnessReport before, after;
        Double gainDb, trimmedSeconds, outputSeconds;
        LimiterReport limiter;
        /** Whether the read-back's true-peak searches were bounded by the measurement's block peaks (not reported). */
        boolean verifiedAgainstSource;
        String output, error;
        Long outputBytes;
        /** sha256 of the output's bytes, taken as they were written (null: not taken; read from the file instead). */
        String outputSha256;
        final Map<String, Double> stageSeconds = new LinkedHashMap<>();

        void reject(String reason) {
            status = FileStatus.REJECTED;
            reasons.add(reason);
        }

        void fail(String message) {
            status = FileStatus.ERROR;
            error = message;
            reasons.add(message);
        }

        void warn(String reason) {
            if (status == FileStatus.OK) status = FileStatus.WARN;
            reasons.add(reason);
        }

        FileReport toReport() {
            return new FileReport(file, input, name, category, license, status, List.copyOf(reasons), false, sha256,
                    bytes, format, decodedSeconds, decodeWarnings, checks, before, gainDb, limiter, trimmedSeconds, output,
                    outputBytes, after, outputSeconds, error,
                    java.util.Collections.unmodifiableMap(new LinkedHashMap<>(stageSeconds)));
        }
    }

    /** Hashes the input (sha256 hex); also the first read of the file, so I/O problems surface here. */
    String sha256(Path file, Work w) throws IOException {
        long t0 = System.nanoTime();
        MessageDigest md = newSha256();
        long n = 0;
        try (InputStream in = opener.open(file)) {
            byte[] buf = new byte[1 << 16];
            int r;
            while ((r = in.read(buf)) > 0) {
                md.update(buf, 0, r);
                n += r;
            }
        }
        w.bytes = n;
        w.stageSeconds.put("hash", secondsSince(t0));
        return HexFormat.of().formatHex(md.digest());
    }

    /**
     * Runs the audio stages on {@code in} and writes {@code out}. On return {@code w.status} says what happened;
     * nothing is written unless the status is ok or warn.
     */
    void process(Path in, Path out, Work w) throws IOException {
        process(in, out, w, Parallel.SERIAL);
    }

    /**
     * As {@link #process(Path, Path, Work)}, with the stages split across {@code parallel}'s idle threads (quality
     * checks beside resampling, resampler outputs, channels of the true-peak search): the same bytes and readings as on
     * one thread.
     */
    void process(Path in, Path out, Work w, Parallel parallel) throws IOException {
        long t = System.nanoTime();
        DecodedAudio d;
        try {
            d = AudioDecoder.read(in, maxSeconds);
        } catch (AudioDecoder.TooLongException e) {
            w.reject(String.format("is longer than the maximum of %.0f s (%s%.1f s; quality_checks.json maxDurationSeconds)",
                    e.maxSeconds(), e.getMessage().contains("at least") ? "at least " : "", e.seconds()));
            return;
        }
        w.format = d.format();
        w.decodedSeconds = d.decodedSeconds();
        w.decodeWarnings = d.warnings();
        w.stageSeconds.put("decode", secondsSince(t));
        for (String warning : d.warnings()) w.warn("decoder: " + warning);

        // The checks and the resampling both read the source samples and nothing else: with a spare thread they run
        // side by side (a rejected file then wastes its resampling, which is rare).
        AudioBuffer[] source = {d.audio()}; // a holder, emptied below so the source-rate samples can go
        int bitDepth = d.format().bitDepth();
        d = null;
        AudioBuffer[] resampled = new AudioBuffer[1];
        double[] seconds = new double[2];
        boolean together = parallel.threads() > 1;
        parallel.run(together ? 2 : 1, part -> {
            long t0 = System.nanoTime();
            if (part == 0) {
                w.checks = checks.run(source[0], bitDepth);
                seconds[0] = secondsSince(t0);
                if (together) return;
                t0 = System.nanoTime();
            }
            if (together || !rejectedByChecks(w.checks)) {
                resampled[0] = resampler.resample(stereo(source[0]), settings.sampleRate(), parallel);
            }
            seconds[1] = secondsSince(t0);
        });
        source[0] = null;
        w.stageSeconds.put("checks", seconds[0]);
        for (CheckResult c : w.checks) {
            if (c.verdict() == Verdict.FAIL) w.reject("quality check " + c.check() + " failed: " + c.detail());
        }
        if (w.status == FileStatus.REJECTED) return;
        for (CheckResult c : w.checks) {
            if (c.verdict() == Verdict.WARN) w.warn("quality check " + c.check() + ": " + c.detail());
        }
        AudioBuffer audio = resampled[0];
        w.stageSeconds.put("resample", seconds[1]);

        if (settings.trimSilence()) {
            int before = audio.frames();
            audio = SilenceTrimmer.trim(audio, settings.trimThresholdDbfs());
            w.trimmedSeconds = (before - audio.frames()) / (double) audio.sampleRate();
        } else {
            w.trimmedSeconds = 0.0;
        }

        t = System.nanoTime();
        Measurement measured = LoudnessMeter.measureKeeping(audio, parallel);
        LoudnessReport before = measured.report();
        w.before = before;
        w.stageSeconds.put("measure", secondsSince(t));
        if (!Double.isFinite(before.integratedLufs())) {
            w.reject("silent: integrated loudness is -inf (every 400 ms block is below the -70 LUFS gate), so no gain can "
                    + "normalise it");
            return;
        }
        if (before.integratedLufs() < MIN_INPUT_LUFS) {
            w.reject(String.format("too quiet: %.1f LUFS integrated, below %.0f LUFS; normalising it would need %+.1f dB "
                    + "of gain and bring up its noise floor", before.integratedLufs(), MIN_INPUT_LUFS,
                    settings.targetLufs() - before.integratedLufs()));
            return;
        }

        t = System.nanoTime();
        double gain = settings.targetLufs() - before.integratedLufs();
        double peakAfterGain = before.truePeakDbtp() + gain; // true peak is linear in the signal
        if (!(peakAfterGain > settings.ceilingDbtp())) {
            AudioBuffer result;
            float outputGain = 1f;
            // the WAV writer applies the gain as it quantises (the same bytes as writing a scaled copy, without it)
            if (settings.outputFormat() == OutputFormat.FLAC) result = scaled(audio, gain);
            else {
                result = audio;
                outputGain = (float) Math.pow(10.0, gain / 20.0);
            }
            w.limiter = new LimiterReport(false, 0.0, 0.0, peakAfterGain, 0);
            w.gainDb = gain;
            w.stageSeconds.put("limit", secondsSince(t));
            audio = null;
            // read back into the arrays it was written from, checking every sample against them on the way, so the
            // verification's true-peak searches can skip the blocks the measurement's found far below the peak
            writeAndVerify(out, result, outputGain, null, result::samples, measured, w, parallel);
            warnIfOff(w);
            return;
        }
        if (settings.overCeiling() == OverCeilingPolicy.REJECT) {
            w.gainDb = gain;
            w.reject(String.format("true peak after the %+.2f dB loudness gain would be %+.2f dBTP, over the %.1f dBTP "
                    + "ceiling (over_ceiling = reject)", gain, peakAfterGain, settings.ceilingDbtp()));
            return;
        }
        // The gain is folded into the limiter (no scaled copy), the scaled peaks follow from the measurement, and
        // the peak envelope is found once for every nudged gain (the limiter's loss is a fraction of a dB).
        // The limiter reuses the measurement's block statistics, and writes every run into the same arrays (only
        // the last run's output is kept).
        TruePeakLimiter.Prepared limiter = new TruePeakLimiter(settings.ceilingDbtp()).prepare(measured,
                NUDGE_HEADROOM_DB, true);
        // Aim the gain at the loudness the limited output will have (predicted from the measurement's block
        // energies and the curve, no output made), so one run usually lands on target.
        LoudnessReport plain = before.withGain(gain);
        gain = limiter.aim(gain, settings.targetLufs(), plain.truePeakItuDbtp(), plain.truePeakEbur128Dbtp());
        // The first run is not measured by the limiter: the read-back verification measures the written output
        // (loudness and both true peaks) anyway. Only when that reading is off target or over the ceiling does the
        // limiter run again, measuring its own output, and the file is written and verified again.
        TruePeakLimiter.Result lim;
        if (settings.outputFormat() == OutputFormat.WAV24) {
            // the WAV writer applies the curve as it quantises (the bytes of the limited copy, which is not made);
            // the file is read back into the limiter's spare arrays, as the input stays for a re-run
            LoudnessReport scaled = before.withGain(gain);
            TruePeakLimiter.Unapplied u = limiter.unapplied(gain, scaled.truePeakItuDbtp(), scaled.truePeakEbur128Dbtp());
            lim = u.report();
            recordLimit(w, lim, before, gain, 1, t);
            // (asked for after the write: they may be the curve's own arrays)
            writeAndVerify(out, u.input(), u.pre(), u.curve(), limiter::scratch, null, w, parallel);
        } else {
            lim = limitWithGain(limiter, before, gain, false);
            recordLimit(w, lim, before, gain, 1, t);
            writeAndVerify(out, lim.audio(), 1f, null, () -> null, null, w, parallel);
        }
        int runs = 1;
        double lufs = w.after.integratedLufs();
        if (Math.abs(lufs - settings.targetLufs()) > firstRunToleranceLu
                || w.after.truePeakDbtp() > settings.ceilingDbtp()) {
            t = System.nanoTime();
            double prevGain = Double.NaN, prevLufs = Double.NaN;
            if (Math.abs(lufs - settings.targetLufs()) > firstRunToleranceLu) {
                prevGain = gain;
                prevLufs = lufs;
                gain += settings.targetLufs() - lufs;
            }
            lim = limitWithGain(limiter, before, gain, true);
            runs++;
            // The limiter takes a little energy out of the peaks; nudge the gain until the limited result is on target.
            while (runs < MAX_GAIN_PASSES) {
                lufs = Double.isNaN(lim.outputIntegratedLufs()) ? LoudnessMeter.integratedLufs(lim.audio())
                        : lim.outputIntegratedLufs(); // measured as the output was made, where it could be
                if (Math.abs(lufs - settings.targetLufs()) <= LOUDNESS_TOLERANCE_LU) break;
                double step = settings.targetLufs() - lufs;
                // After two runs, aim along the measured slope (more gain also means more limiting, so the slope is
                // under 1); bounded so a noisy slope cannot overshoot.
                if (Double.isFinite(prevLufs) && lufs != prevLufs) {
                    double slope = (lufs - prevLufs) / (gain - prevGain);
                    if (slope > 0.2 && slope < 1.0) step /= slope;
                }
                prevGain = gain;
                prevLufs = lufs;
                gain += step;
                lim = limitWithGain(limiter, before, gain, true);
                runs++;
            }
            recordLimit(w, lim, before, gain, runs, t);
            AudioBuffer made = lim.audio();
            writeAndVerify(out, made, 1f, null, made::samples, null, w, parallel);
        }
        warnIfOff(w);
    }

    /** The limiter's part of the report, and the limit stage's time (added up over the runs). */
    private static void recordLimit(Work w, TruePeakLimiter.Result lim, LoudnessReport before, double gain, int runs,
                                    long t0) {
        w.limiter = new LimiterReport(lim.limited(), lim.maxGainReductionDb(), lim.reducedSeconds(),
                before.truePeakDbtp() + gain, runs);
        w.gainDb = gain;
        w.stageSeconds.merge("limit", secondsSince(t0), Double::sum);
    }

    /**
     * Writes {@code result} (times {@code outputGain}, then times {@code curve[i]} where there is one: both applied by
     * the WAV writer) to {@code out}, then reads the file back from disk, for WAV into the arrays {@code readInto}
     * gives once the file is written (of {@code result}'s size and free to overwrite by then, or null for fresh ones),
     * and measures it into {@code w.after}: with {@link LoudnessMeter#measureWritten} where {@code result} is
     * {@code source}'s audio written without a curve (the same readings as a plain measurement, in less time). The
     * write and verify stages' times add up over calls.
     */
    private void writeAndVerify(Path out, AudioBuffer result, float outputGain, float[] curve,
                                java.util.function.Supplier<float[][]> readInto, Measurement source, Work w,
                                Parallel parallel) throws IOException {
        long t = System.nanoTime();
        Files.createDirectories(out.getParent());
        if (settings.outputFormat() == OutputFormat.FLAC) {
            if (outputGain != 1f || curve != null) throw new IllegalArgumentException("FLAC is written as given");
            AudioEncoder.write(out, result, AudioEncoder.Format.FLAC_24);
            w.outputSha256 = null;
        } else {
            // hashed as it is written (the resume record's sha256): the bytes are in cache here, not read back again
            MessageDigest md = newSha256();
            AtomicFiles.write(out, o -> WavFile.write(new DigestOutputStream(o, md), result, 24, outputGain, curve));
            w.outputSha256 = HexFormat.of().formatHex(md.digest());
        }
        w.output = out.toAbsolutePath().toString();
        w.outputBytes = Files.size(out);
        w.stageSeconds.merge("write", secondsSince(t), Double::sum);

        t = System.nanoTime();
        // Read back from disk: our own reader for WAV (a plain header; FFmpeg's WAV probing costs more than the read),
        // into the caller's spare arrays (no fresh 69 MB per 3-min track), FFmpeg for FLAC.
        AudioBuffer written;
        if (settings.outputFormat() == OutputFormat.FLAC) {
            written = AudioDecoder.decode(out);
            w.after = LoudnessMeter.measure(written, parallel);
        } else if (source != null && curve == null && source.audio() == result) {
            // every sample checked against float(source · gain) as it overwrites it; a mismatch (the file changed on
            // disk, a clipped sample) falls back to the plain measurement inside measureWritten
            float[] deviation = new float[1];
            written = WavFile.readOver(out, readInto.get(), outputGain, deviation);
            w.after = LoudnessMeter.measureWritten(written, source, outputGain, deviation[0], parallel);
            w.verifiedAgainstSource = deviation[0] <= LoudnessMeter.WRITTEN_DEVIATION;
        } else {
            written = WavFile.read(out, readInto.get());
            w.after = LoudnessMeter.measure(written, parallel);
        }
        w.outputSeconds = written.seconds();
        w.stageSeconds.merge("verify", secondsSince(t), Double::sum);
    }

    /** Warnings for a verified output off its loudness target or over the ceiling. */
    private void warnIfOff(Work w) {
        if (Math.abs(w.after.integratedLufs() - settings.targetLufs()) > VERIFY_TOLERANCE_LU) {
            w.warn(String.format("output measures %.2f LUFS, more than %.1f LU from the %.1f LUFS target",
                    w.after.integratedLufs(), VERIFY_TOLERANCE_LU, settings.targetLufs()));
        }
        if (w.after.truePeakDbtp() > settings.ceilingDbtp() + 1e-3) {
            w.warn(String.format("output true peak %.2f dBTP is over the %.1f dBTP ceiling", w.after.truePeakDbtp(),
                    settings.ceilingDbtp()));
        }
    }

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean rejectedByChecks(List<CheckResult> results) {
        for (CheckResult c : results) if (c.verdict() == Verdict.FAIL) return true;
        return false;
    }

    /** Mono becomes two identical channels; stereo is returned as is. */
    static AudioBuffer stereo(AudioBuffer a) {
        if (a.channels() == 2) return a;
        if (a.channels() != 1) throw new IllegalArgumentException(a.channels() + " channels");
        return new AudioBuffer(new float[][]{a.samples()[0], a.samples()[0].clone()}, a.sampleRate());
    }

    private static TruePeakLimiter.Result limitWithGain(TruePeakLimiter.Prepared limiter, LoudnessReport before,
                                                        double gainDb, boolean measured) {
        LoudnessReport scaled = before.withGain(gainDb);
        return measured ? limiter.limit(gainDb, scaled.truePeakItuDbtp(), scaled.truePeakEbur128Dbtp())
                : limiter.limitUnmeasured(gainDb, scaled.truePeakItuDbtp(), scaled.truePeakEbur128Dbtp());
    }

    /** {@code a} times the gain, in float (what {@link WavFile#write(Path, AudioBuffer, int, float)} applies). */
    static AudioBuffer scaled(AudioBuffer a, double gainDb) {
        float g = (float) Math.pow(10.0, gainDb / 20.0);
        float[][] out = new float[a.channels()][a.frames()];
        for (int c = 0; c < out.length; c++) {
            float[] src = a.samples()[c], dst = out[c];
            for (int i = 0; i < dst.length; i++) dst[i] = src[i] * g;
        }
        return new AudioBuffer(out, a.sampleRate());
    }

    private static double secondsSince(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }
}
