package dev.lofilora.bench;

import dev.lofilora.audio.AudioBuffer;
import dev.lofilora.audio.loudness.LoudnessMeter;
import dev.lofilora.audio.loudness.LoudnessReport;
import dev.lofilora.audio.loudness.TruePeakLimiter;
import dev.lofilora.audio.qc.CheckResult;
import dev.lofilora.audio.qc.QcThresholds;
import dev.lofilora.audio.qc.QualityChecks;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Cost per three-minute 48 kHz stereo track (one thread) of the loudness and quality stages of {@code lofi process}:
 * the full BS.1770 measurement (integrated, LRA, momentary/short-term maxima, sample peak, both true peaks), the
 * integrated loudness alone, every quality check, and the true-peak limiter on a track that needs it (a quiet,
 * dynamic track raised to -14 LUFS whose peaks overshoot -1 dBTP by about 4 dB, the heavy case) and on one that does
 * not (the check only). 60 000 / (ms per op) = tracks per minute per core for that stage; DESIGN.md §4 asks for 300
 * tracks/min on 2 cores for the whole stage, i.e. at most 400 ms of CPU per track for everything.
 *
 * <p>Fixture: seeded synthetic music (a chord pad, decorrelated noise, kick/snare/hat pattern at 120 bpm).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = "-Xmx4g")
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class LoudnessBenchmark {
    private AudioBuffer loud;
    private AudioBuffer quiet;
    private LoudnessReport loudReport;
    private final QualityChecks qc = new QualityChecks(QcThresholds.defaults());
    private final TruePeakLimiter limiter = new TruePeakLimiter(-1.0);

    @Setup
    public void setup() {
        AudioBuffer music = music(48000, 180, 42);
        loud = scaled(music, -14.0 - LoudnessMeter.integratedLufs(music));
        quiet = scaled(music, -24.0 - LoudnessMeter.integratedLufs(music));
        loudReport = LoudnessMeter.measure(loud);
        if (loudReport.truePeakDbtp() <= 0.0) throw new IllegalStateException("fixture must need limiting");
    }

    @Benchmark
    public LoudnessReport measure() { return LoudnessMeter.measure(loud); }

    @Benchmark
    public double integratedOnly() { return LoudnessMeter.integratedLufs(loud); }

    @Benchmark
    public List<CheckResult> qualityChecks() { return qc.run(quiet, 0); }

    @Benchmark
    public TruePeakLimiter.Result limiterHeavy() {
        return limiter.limit(loud, loudReport.truePeakItuDbtp(), loudReport.truePeakEbur128Dbtp());
    }

    @Benchmark
    public TruePeakLimiter.Result limiterNotNeeded() { return limiter.limit(quiet); }

    static AudioBuffer scaled(AudioBuffer a, double db) {
        float g = (float) Math.pow(10, db / 20);
        float[][] y = new float[a.channels()][a.frames()];
        for (int c = 0; c < y.length; c++) for (int i = 0; i < y[c].length; i++) y[c][i] = a.samples()[c][i] * g;
        return new AudioBuffer(y, a.sampleRate());
    }

    static AudioBuffer music(int fs, double seconds, long seed) {
        int n = (int) (seconds * fs);
        Random rnd = new Random(seed);
        float[][] x = new float[2][n];
        double[] chord = {220.0, 277.18, 329.63, 440.0};
        for (int i = 0; i < n; i++) {
            double t = i / (double) fs;
            for (int c = 0; c < 2; c++) {
                double pad = 0;
                for (int k = 0; k < chord.length; k++) pad += Math.sin(2 * Math.PI * chord[k] * (1 + 0.001 * c) * t + k);
                x[c][i] = (float) (0.1 * pad + 0.02 * rnd.nextGaussian());
            }
        }
        for (int b = 0; b * 0.5 < seconds; b++) {
            int start = (int) (b * 0.5 * fs);
            double phase = 0;
            for (int i = start; i < Math.min(n, start + fs / 2); i++) {
                double t = (i - start) / (double) fs;
                double v;
                if (b % 2 == 1) {
                    v = 0.6 * Math.exp(-t / 0.06) * rnd.nextGaussian();
                } else {
                    phase += 2 * Math.PI * (50 + 100 * Math.exp(-t / 0.03)) / fs;
                    v = 0.9 * Math.exp(-t / 0.12) * Math.sin(phase);
                }
                double hat = t < 0.02 ? 0.1 * Math.exp(-t / 0.005) * (rnd.nextGaussian() - rnd.nextGaussian()) : 0;
                x[0][i] += (float) (v + hat);
                x[1][i] += (float) (v + 0.8 * hat);
            }
        }
        return new AudioBuffer(x, fs);
    }
}
