package dev.lofilora.audio.loudness;

import dev.lofilora.audio.AudioBuffer;
import dev.lofilora.audio.Parallel;
import dev.lofilora.audio.dsp.Dsp;

/**
 * Transparent look-ahead true-peak limiter: the returned audio measures at or under {@code ceilingDbtp} on both
 * the ITU 48-tap and libebur128's interpolator; audio already under the ceiling is returned unchanged (the same
 * instance). Offline (whole buffer), linked across channels (one gain for all, so the stereo image is kept).
 * Immutable and thread-safe.
 *
 * <p>How the gain is made, per sample n, with the target T a hair (0.02 dB) under the ceiling:
 * <ol>
 * <li>peak envelope p[n]: the largest of |x| over all channels and of every 4x-interpolated value of both
 * interpolators that falls between samples n-1 and n+1 (the filters are only run where their bound can exceed T);</li>
 * <li>required gain q[n] = min(1, T / p[n]);</li>
 * <li>look-ahead hold: h[n] = min q over [n, n + 2L - 2], so the gain is already down when the peak arrives;</li>
 * <li>release: r[n] = min(h[n], 1 - (1 - r[n-1]) * a): the reduction decays exponentially, to 1 % of itself after
 * the release time;</li>
 * <li>two moving averages of L samples each (an S-shaped attack over the look-ahead, no corners). Because every
 * value averaged for sample n is at most q[n], the smoothed gain never exceeds the required gain: no peak can
 * slip through, and nothing is hard-clipped.</li>
 * </ol>
 * The result is then measured with both interpolators; if the gain modulation itself created a peak above the
 * ceiling, T is lowered by the excess and the gain rebuilt (at most {@value #MAX_PASSES} passes); as a last resort
 * the whole output is scaled, which holds exactly because true peak scales linearly with the signal.
 */
public final class TruePeakLimiter {
    public static final double DEFAULT_LOOKAHEAD_MS = 4.0;
    public static final double DEFAULT_RELEASE_MS = 100.0;
    /** Target this far under the ceiling so float rounding and 24-bit quantisation cannot cross it. */
    static final double MARGIN_DB = 0.02;
    static final int MAX_PASSES = 4;
    /**
     * Where {@link Prepared#aim} stops: the prediction tracks the measured output to about 1e-4 LU, so a gain predicted
     * within this lands well inside process's 0.05 LU, and the limiter reuses the last prediction's curve.
     */
    private static final double AIM_TOLERANCE_LU = 0.02;
    /** Gain reduction counted in {@link Result#reducedSeconds()}. */
    private static final double REPORTED_REDUCTION_DB = 0.1;

    private final double ceilingDbtp;
    private final double lookaheadMs;
    private final double releaseMs;

    /** A limiter with {@value #DEFAULT_LOOKAHEAD_MS} ms look-ahead and {@value #DEFAULT_RELEASE_MS} ms release. */
    public TruePeakLimiter(double ceilingDbtp) {
        this(ceilingDbtp, DEFAULT_LOOKAHEAD_MS, DEFAULT_RELEASE_MS);
    }

    public TruePeakLimiter(double ceilingDbtp, double lookaheadMs, double releaseMs) {
        if (!Double.isFinite(ceilingDbtp)) throw new IllegalArgumentException("ceiling " + ceilingDbtp + " dBTP");
        if (!(lookaheadMs >= 0.1 && lookaheadMs <= 50)) throw new IllegalArgumentException("look-ahead " + lookaheadMs + " ms");
        if (!(releaseMs >= 1 && releaseMs <= 5000)) throw new IllegalArgumentException("release " + releaseMs + " ms");
        this.ceilingDbtp = ceilingDbtp;
        this.lookaheadMs = lookaheadMs;
        this.releaseMs = releaseMs;
    }

    public double ceilingDbtp() { return ceilingDbtp; }

    /** The limited audio (or {@code audio} itself when it is already under the ceiling). */
    public AudioBuffer apply(AudioBuffer audio) {
        return limit(audio).audio();
    }

    /**
     * What the limiter did.
     *
     * @param audio                     the output ({@code audio} itself when {@code limited} is false)
     * @param limited                   whether any gain below 1 was applied
     * @param inputTruePeakDbtp         the input's true peak, max of both interpolators
     * @param outputTruePeakItuDbtp     the output's ITU true peak (max with sample peak)
     * @param outputTruePeakEbur128Dbtp the output's libebur128 true peak (max with sample peak)
     * @param maxGainReductionDb        the largest gain reduction, dB (positive; 0 when not limited)
     * @param reducedSeconds            time with more than 0.1 dB of gain reduction
     * @param passes                    gain curves built (1 normally; more if the first one let a peak through)
     * @param outputIntegratedLufs      the output's integrated loudness where it was measured in the same pass that
     *                                  made the output (stereo, native kernels), else NaN: measure it if needed
     */
    public record Result(AudioBuffer audio, boolean limited, double inputTruePeakDbtp, double outputTruePeakItuDbtp,
                         double outputTruePeakEbur128Dbtp, double maxGainReductionDb, double reducedSeconds,
                         int passes, double outputIntegratedLufs) {}

    /**
     * A limiter run whose output is {@code (input[c][i] * pre) * curve[i]} (curve null: {@code input * pre}), not made:
     * see {@link Prepared#unapplied}. {@code report} is as {@link Prepared#limitUnmeasured}'s with a null audio (or,
     * not limited, the plain-gain result of {@link Prepared#limit}).
     */
    public record Unapplied(AudioBuffer input, float[] curve, float pre, Result report) {}

    /** Limits {@code audio} and reports what was done. The input is never modified. */
    public Result limit(AudioBuffer audio) {
        double[] in = LoudnessMeter.peaks(audio);
        return limit(audio, LoudnessMeter.dB(in[1]), LoudnessMeter.dB(in[2]));
    }

    /**
     * As {@link #limit(AudioBuffer)} when the input's true peaks are already known (e.g. from
     * {@link LoudnessReport#withGain}), which saves measuring them again. The output is always verified.
     */
    public Result limit(AudioBuffer audio, double truePeakItuDbtp, double truePeakEbur128Dbtp) {
        return limitScaled(audio, 0.0, truePeakItuDbtp, truePeakEbur128Dbtp);
    }

    /**
     * Limits {@code audio} raised by a plain gain of {@code gainDb}, without making the scaled copy first: the gain is
     * folded into the limiter's gain curve, so the output is {@code audio * gain * curve} in one pass. The peaks are
     * those of the <em>scaled</em> audio (e.g. {@code report.withGain(gainDb)}). Not limited (peaks under the
     * ceiling): the output is the scaled copy. The output is always verified, as by {@link #limit(AudioBuffer)}.
     */
    public Result limitScaled(AudioBuffer audio, double gainDb, double truePeakItuDbtp, double truePeakEbur128Dbtp) {
        return prepare(audio, 0.0).limit(gainDb, truePeakItuDbtp, truePeakEbur128Dbtp);
    }

    /**
     * For limiting the same audio at several gains (e.g. nudging a loudness gain until the limited result is on
     * target): the per-input work (block statistics, and the interpolated peak envelope, the costly part) is done once
     * and reused while the gain stays within {@code headroomDb} above the first one tried. The results are those of
     * {@link #limitScaled} at each gain. Not thread-safe: one per thread.
     */
    public Prepared prepare(AudioBuffer audio, double headroomDb) {
        return new Prepared(audio, null, headroomDb, false);
    }

    /**
     * As {@link #prepare(AudioBuffer, double)} on the audio {@code measured} was taken of, with the block statistics its
     * true-peak search found (not found again). With {@code reuseOutput} every {@link Prepared#limit} writes its output
     * into the same arrays: a result's audio is then valid only until the next call (one 48 kHz track's output is
     * 69 MB; the caller that keeps only the last result is spared a fresh one per call).
     */
    public Prepared prepare(Measurement measured, double headroomDb, boolean reuseOutput) {
        Prepared p = new Prepared(measured.audio(), measured.blockStats(), headroomDb, reuseOutput);
        p.energy = measured.energy();
        return p;
    }

    /** See {@link #prepare}. */
    public final class Prepared {
        private final AudioBuffer audio;
        private final double headroom;
        private final boolean reuseOutput;
        private BlockStats[] blockStats;
        private float[] envelope;
        private double envelopeThreshold = Double.POSITIVE_INFINITY;
        /** The gain curve of the last pass, and the output arrays when reused. */
        private float[] gain;
        private float[][] out;
        /** The input's K-weighted energies, for {@link #aim} (null: no prediction). */
        private KWeightedEnergy energy;
        /** Predicted output energy over the input's at the last predicted gain (the first step's slope estimate). */
        private double lastRetainedShare = 1.0;
        /** The unscaled target {@link #gain} holds the curve for (NaN: none, or the curve was changed after). */
        private double curveTarget = Double.NaN;

        private Prepared(AudioBuffer audio, BlockStats[] blockStats, double headroomDb, boolean reuseOutput) {
            if (!(headroomDb >= 0 && headroomDb <= 20)) throw new IllegalArgumentException("headroom " + headroomDb + " dB");
            if (blockStats != null && blockStats.length != audio.channels()) throw new IllegalArgumentException("block stats");
            this.audio = audio;
            this.blockStats = blockStats;
            this.headroom = Math.pow(10.0, -headroomDb / 20.0);
            this.reuseOutput = reuseOutput;
        }

        /**
         * The gain, near {@code gainDb}, at which {@link #limit} should give an output that measures
         * {@code targetLufs}: without making any output. For a trial gain the curve is built and the output's
         * loudness predicted from the measurement's K-weighted energy of every 16-sample block, each reduced by the
         * curve's mean of 1 − gain² over it (the curve moves slowly against the K-filter, so K(x·c) ≈ c·K(x) there):
         * a step from a coarse prediction at {@code gainDb}, checked by the exact curve's prediction, then at most one
         * secant step (no output made at any of them). Without the energies
         * (not from {@link #prepare(Measurement, double, boolean)}, a tick that is not a whole number of blocks) or
         * when {@code gainDb} needs no limiting, {@code gainDb} itself. The caller checks the result on the real output
         * ({@link Result#outputIntegratedLufs}), so it needs to be close, not exact: it lands within a few hundredths
         * of an LU, where the plain gain lands tenths low.
         */
        public double aim(double gainDb, double targetLufs, double truePeakItuDbtp, double truePeakEbur128Dbtp) {
            if (energy == null || energy.blockEnergy == null || !Double.isFinite(gainDb)
                    || Math.max(truePeakItuDbtp, truePeakEbur128Dbtp) <= ceilingDbtp) {
                return gainDb;
            }
            // The first prediction only sets the first step, so it comes from a coarse curve (GainCurve.blockReduction,
            // 1/16 of the work). A gain returned without a further step was predicted on the exact curve, which stays
            // in gain for the limiter to reuse: on the synthetic music of the tests and benchmarks, one curve a track.
            double g0 = gainDb, p0 = predict(g0, true);
            if (!Double.isFinite(p0)) return gainDb;
            // the first step along the share of the energy the curve lets through: the heavier the limiting, the less
            // of any added gain comes out
            double g1 = g0 + (targetLufs - p0) / Math.min(1.0, Math.max(0.2, lastRetainedShare));
            double p1 = predict(g1, false);
            if (!Double.isFinite(p1)) return gainDb;
            if (Math.abs(targetLufs - p1) <= AIM_TOLERANCE_LU) return g1; // its curve is in gain, for the limiter
            // one secant step, taken unchecked (the limiter's own measurement, or the caller's, checks it); more gain
            // means more limiting: a slope in (0, 1], bounded so a flat stretch cannot throw it far
            double slope = g1 != g0 ? (p1 - p0) / (g1 - g0) : lastRetainedShare;
            return g1 + (targetLufs - p1) / Math.min(1.0, Math.max(0.2, slope));
        }

        /**
         * The integrated loudness the output of {@link #limit} at {@code gainDb} is predicted to measure, from the
         * exact curve (kept in {@link #gain}) or a coarse one.
         */
        double predict(double gainDb, boolean coarse) {
            KWeightedEnergy e = energy;
            int fs = audio.sampleRate();
            float pre = (float) Math.pow(10.0, gainDb / 20.0);
            double target = Math.pow(10.0, (ceilingDbtp - MARGIN_DB) / 20.0);
            float[] red = new float[(audio.frames() + BlockStats.BLOCK - 1) / BlockStats.BLOCK];
            if (coarse) {
                findEnvelope(target / pre);
                GainCurve.blockReduction(envelope, (float) (target / pre), box(fs), release(fs), red, Dsp.kernels());
            } else {
                buildCurve(target / pre, box(fs), release(fs), red);
            }
            int perTick = e.tickLength / BlockStats.BLOCK;
            double[] ticks = e.ticks.clone();
            double all = 0, after = 0;
            for (int t = 0; t < ticks.length; t++) {
                double cut = 0;
                for (int q = t * perTick, end = Math.min(e.extremeBlocks, q + perTick); q < end; q++) {
                    if (red[q] != 0f) cut += e.blockEnergy[q] * (double) red[q] / BlockStats.BLOCK;
                }
                all += ticks[t];
                ticks[t] = Math.max(0.0, ticks[t] - cut);
                after += ticks[t];
            }
            lastRetainedShare = all > 0 ? after / all : 1.0;
            return LoudnessMeter.integrated(blocks100ms(ticks, e.ticksPer100ms), e.samplesPer100ms) + gainDb;
        }

        /** The peak envelope for the unscaled target into {@link #envelope}, unless the one there serves it. */
        private void findEnvelope(double unscaledTarget) {
            if (blockStats == null) {
                blockStats = new BlockStats[audio.channels()];
                for (int c = 0; c < audio.channels(); c++) blockStats[c] = BlockStats.of(audio.samples()[c]);
            }
            if (unscaledTarget < envelopeThreshold) {
                // An envelope over a lower threshold holds every value over a higher one unchanged (values between
                // the two become gain 1 in the curve), so it serves every later gain up to the headroom.
                envelopeThreshold = unscaledTarget * headroom;
                envelope = PeakEnvelope.of(audio, blockStats, TruePeakFilter.itu(),
                        TruePeakFilter.ebur128(audio.sampleRate()), envelopeThreshold);
            }
        }

        /** The gain curve for the unscaled target into {@link #gain}, the envelope found or reused first. */
        private void buildCurve(double unscaledTarget, int box, double release, float[] reduction) {
            findEnvelope(unscaledTarget);
            // this very curve is in gain already (a prediction at the gain the limiter now runs at)
            if (unscaledTarget == curveTarget && gain != null && reduction == null) return;
            curveTarget = Double.NaN;
            if (headroom == 1.0) { // no reuse expected (limitScaled): take the envelope instead of copying it
                gain = envelope;
                envelope = null;
                envelopeThreshold = Double.POSITIVE_INFINITY;
                GainCurve.build(gain, (float) unscaledTarget, box, release, reduction, Dsp.kernels());
            } else { // from the envelope, which stays for the next gain
                if (gain == null) gain = new float[envelope.length];
                GainCurve.build(envelope, gain, (float) unscaledTarget, box, release, reduction, Dsp.kernels());
            }
            curveTarget = headroom == 1.0 ? Double.NaN : unscaledTarget; // a taken envelope is not kept for reuse
        }

        /**
         * One curve at {@code gainDb}, applied, and nothing measured: for a caller that measures the output itself
         * anyway (process reads every written file back and measures it) and falls back to {@link #limit} when that
         * reading is over the ceiling or off its loudness. The output is what the first pass of {@link #limit} makes;
         * the result's output peaks and loudness are NaN ({@code passes} 1). Not limited (peaks under the ceiling):
         * as {@link #limit}.
         */
        public Result limitUnmeasured(double gainDb, double truePeakItuDbtp, double truePeakEbur128Dbtp) {
            Unapplied u = unapplied(gainDb, truePeakItuDbtp, truePeakEbur128Dbtp);
            if (u.curve() == null) return u.report();
            float[][] result = reuseOutput && out != null ? out : newLike(audio.samples());
            if (reuseOutput) out = result;
            applyGain(audio.samples(), u.curve(), u.pre(), result);
            Result r = u.report();
            return new Result(new AudioBuffer(result, audio.sampleRate()), r.limited(), r.inputTruePeakDbtp(), Double.NaN,
                    Double.NaN, r.maxGainReductionDb(), r.reducedSeconds(), 1, Double.NaN);
        }

        /**
         * {@link #limitUnmeasured} without applying the curve: for a writer that applies it as it quantises (the
         * output is {@code (x[i] * pre) * curve[i]} in float, what {@link #limitUnmeasured} makes), which spares
         * writing and reading back a limited copy of the track. The curve stays valid until the next call on this
         * Prepared. Not limited (peaks under the ceiling): the report of {@link #limit}, with a null curve.
         */
        public Unapplied unapplied(double gainDb, double truePeakItuDbtp, double truePeakEbur128Dbtp) {
            double inPeakDb = Math.max(truePeakItuDbtp, truePeakEbur128Dbtp);
            if (!(inPeakDb > ceilingDbtp) || inPeakDb == Double.POSITIVE_INFINITY || !Double.isFinite(gainDb)) {
                // its checks and its plain-gain case
                return new Unapplied(audio, null, (float) Math.pow(10.0, gainDb / 20.0),
                        limit(gainDb, truePeakItuDbtp, truePeakEbur128Dbtp));
            }
            int fs = audio.sampleRate();
            float pre = (float) Math.pow(10.0, gainDb / 20.0);
            double target = Math.pow(10.0, (ceilingDbtp - MARGIN_DB) / 20.0);
            buildCurve(target / pre, box(fs), release(fs), null);
            double[] stats = gainStatistics(gain);
            return new Unapplied(audio, gain, pre, new Result(null, stats[0] < 1.0, inPeakDb, Double.NaN, Double.NaN,
                    -LoudnessMeter.dB(stats[0]), stats[1] / fs, 1, Double.NaN));
        }

        /**
         * Arrays the size of the input, for the caller's own use between calls (e.g. reading a written output back):
         * the ones {@link #limit} writes its output into when outputs are reused, so a later call overwrites them. On
         * a stereo input without an output yet, they are the peak envelope's and the gain curve's arrays (the caller
         * is done with the last curve, e.g. once its output is written): no fresh 69 MB for a 3-min track; a later
         * call then finds the envelope again.
         */
        public float[][] scratch() {
            if (out == null && reuseOutput && audio.channels() == 2 && envelope != null && gain != null
                    && envelope != gain && envelope.length == audio.frames() && gain.length == audio.frames()) {
                out = new float[][] {envelope, gain};
                envelope = null;
                gain = null;
                envelopeThreshold = Double.POSITIVE_INFINITY;
                curveTarget = Double.NaN;
                return out;
            }
            float[][] s = out != null ? out : newLike(audio.samples());
            if (reuseOutput) out = s;
            return s;
        }

        /** As {@link #limitScaled}{@code (audio, gainDb, ...)}. */
        public Result limit(double gainDb, double truePeakItuDbtp, double truePeakEbur128Dbtp) {
            double ceiling = Math.pow(10.0, ceilingDbtp / 20.0);
            double inPeakDb = Math.max(truePeakItuDbtp, truePeakEbur128Dbtp);
            if (Double.isNaN(inPeakDb) || inPeakDb == Double.POSITIVE_INFINITY) {
                throw new IllegalArgumentException("cannot limit audio with NaN or infinite samples (true peak " + inPeakDb + ")");
            }
            if (!Double.isFinite(gainDb)) throw new IllegalArgumentException("gain " + gainDb + " dB");
            float pre = (float) Math.pow(10.0, gainDb / 20.0);
            if (inPeakDb <= ceilingDbtp) {
                AudioBuffer out = gainDb == 0.0 ? audio : new AudioBuffer(applyGain(audio.samples(), null, pre, null),
                        audio.sampleRate());
                return new Result(out, false, inPeakDb, truePeakItuDbtp, truePeakEbur128Dbtp, 0.0, 0.0, 0, Double.NaN);
            }
            int fs = audio.sampleRate();
            int box = box(fs);
            double release = release(fs);

            // Envelope and curve work on the unscaled input against target / pre: every interpolator is linear, so
            // (target / pre) / (peak / pre) is the same required gain as on the scaled signal.
            double target = ceiling * Math.pow(10.0, -MARGIN_DB / 20.0);
            float[][] result = null;
            double[] measured = null;
            double lufs = Double.NaN;
            int pass = 0;
            while (pass < MAX_PASSES) {
                pass++;
                buildCurve(target / pre, box, release, null);
                result = reuseOutput && out != null ? out : newLike(audio.samples());
                if (reuseOutput) out = result;
                AudioBuffer outAudio = new AudioBuffer(result, fs);
                // one pass applies the curve and measures the output's loudness and block extremes (where it can)
                KWeightedEnergy k = KWeightedEnergy.applied(audio, gain, pre, result, Dsp.kernels());
                if (k != null) {
                    lufs = LoudnessMeter.integratedLufs(k);
                    measured = LoudnessMeter.peaks(outAudio, c -> k.blockStats(outAudio, c), Parallel.SERIAL);
                } else {
                    applyGain(audio.samples(), gain, pre, result);
                    lufs = Double.NaN;
                    measured = LoudnessMeter.peaks(outAudio);
                }
                double peak = Math.max(measured[1], measured[2]);
                if (peak <= ceiling) break;
                target *= ceiling * Math.pow(10.0, -MARGIN_DB / 20.0) / peak;
            }
            double peak = Math.max(measured[1], measured[2]);
            if (peak > ceiling) {
                // Last resort: scale everything. True peak is linear in the signal, so this lands under the ceiling.
                float s = (float) (ceiling * Math.pow(10.0, -MARGIN_DB / 20.0) / peak);
                for (float[] ch : result) for (int i = 0; i < ch.length; i++) ch[i] *= s;
                for (int i = 0; i < gain.length; i++) gain[i] *= s;
                curveTarget = Double.NaN;
                measured = LoudnessMeter.peaks(new AudioBuffer(result, fs));
                lufs = Double.NaN;
            }
            double[] stats = gainStatistics(gain);
            return new Result(new AudioBuffer(result, fs), stats[0] < 1.0, inPeakDb, LoudnessMeter.dB(measured[1]),
                    LoudnessMeter.dB(measured[2]), -LoudnessMeter.dB(stats[0]), stats[1] / fs, pass, lufs);
        }
    }

    /** {smallest gain, samples with more than {@value #REPORTED_REDUCTION_DB} dB of reduction} of a curve. */
    private static double[] gainStatistics(float[] gain) {
        double[] acc = {1.0, 0.0};
        Dsp.kernels().curveStats(gain, 0, gain.length, (float) Math.pow(10.0, -REPORTED_REDUCTION_DB / 20.0), acc);
        return acc;
    }

    /** Moving-average length L of the curve (the look-ahead hold spans 2L - 1 samples). */
    private int box(int fs) {
        return Math.max(1, (int) Math.round(lookaheadMs * 1e-3 * fs / 2.0));
    }

    /** Per-sample decay of the gain reduction: to 1 % of itself after the release time. */
    private double release(int fs) {
        return Math.exp(Math.log(0.01) / Math.max(1.0, releaseMs * 1e-3 * fs));
    }

    private static double[] blocks100ms(double[] ticks, int ticksPer100ms) {
        double[] b = new double[ticks.length / ticksPer100ms];
        for (int j = 0, t = 0; j < b.length; j++) {
            double s = 0;
            for (int k = 0; k < ticksPer100ms; k++) s += ticks[t++];
            b[j] = s;
        }
        return b;
    }

    private static float[][] newLike(float[][] x) {
        float[][] out = new float[x.length][];
        for (int c = 0; c < x.length; c++) out[c] = new float[x[c].length];
        return out;
    }

    /**
     * x * pre * gain (gain null: x * pre) into {@code out} (null: new arrays); pre == 1 multiplies by the curve alone,
     * as before.
     */
    private static float[][] applyGain(float[][] x, float[] gain, float pre, float[][] out) {
        if (out == null) out = newLike(x);
        for (int c = 0; c < x.length; c++) {
            float[] src = x[c];
            float[] dst = out[c];
            if (gain == null) for (int i = 0; i < src.length; i++) dst[i] = src[i] * pre;
            else if (pre == 1f) for (int i = 0; i < src.length; i++) dst[i] = src[i] * gain[i];
            else for (int i = 0; i < src.length; i++) dst[i] = src[i] * pre * gain[i];
        }
        return out;
    }
}
