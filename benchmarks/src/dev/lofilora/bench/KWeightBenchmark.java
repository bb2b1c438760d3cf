package dev.lofilora.bench;

import dev.lofilora.audio.dsp.Dsp;
import dev.lofilora.audio.dsp.DspKernels;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * The BS.1770 K-weighting pass of {@code process} (the native {@link DspKernels#kWeight}) on a 48 kHz stereo track,
 * in 2 segments (two 4-lane halves in one register chain: the pass before issue 15's round 4, and what short tracks
 * and the limiter's pass run) and in 4 (two register chains side by side), in one run: the ratio 4 / 2 is the
 * figure. Three passes: {@code plain} (the read-back verification), {@code extras} (the input's measurement, which
 * also keeps every block's extremes and energy), {@code applied} (the limiter's: gain applied, output written, block
 * extremes). Lengths 180 s and 30 s; the warm-up is 137 ticks of 10 ms (2^16 samples), so a 30-s track is 21.9
 * warm-ups, just over {@code KWeightedEnergy.SPLIT4_MIN_WARMUPS}.
 *
 * <p>The segment layout is {@code KWeightedEnergy.layout}'s: equal runs of ceil((n + (s - 1) w) / s) ticks, each
 * segment after the first started one warm-up before the ticks it stores.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx4g", "-Dorg.bytedeco.javacpp.maxPhysicalBytes=0",
        "-Dorg.bytedeco.javacpp.maxBytes=0"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 5, time = 1)
public class KWeightBenchmark {
    /** BS.1770's 48 kHz filter: b0, b1, b2, a1, a2 of the shelf, a1, a2 of the high-pass. */
    private static final double[] COEF = {1.53512485958697, -2.69169618940638, 1.19839281085285, -1.69065929318241,
            0.73248077421585, -1.99004745483398, 0.99007225036621};
    private static final int TICK = 480, WARMUP = 137;

    @Param({"180", "30"})
    public int seconds;

    @Param({"plain", "extras", "applied"})
    public String pass;

    private DspKernels kernels;
    private float[] a, b, gain;
    private float[] outA, outB, maxA, minA, maxB, minB, energy;
    private double[] ticks;

    @Setup
    public void setUp() {
        kernels = Dsp.nativeKernels();
        if (kernels == null) throw new IllegalStateException(Dsp.nativeProblem());
        int frames = 48000 * seconds + 77;
        Random rnd = new Random(3);
        a = new float[frames];
        b = new float[frames];
        gain = new float[frames];
        for (int i = 0; i < frames; i++) {
            a[i] = (float) (0.3 * rnd.nextGaussian());
            b[i] = (float) (0.3 * rnd.nextGaussian());
            gain[i] = 0.9f + 0.1f * (float) Math.sin(i * 1e-4);
        }
        int blocks = (frames + 15) / 16;
        outA = new float[frames];
        outB = new float[frames];
        maxA = new float[blocks];
        minA = new float[blocks];
        maxB = new float[blocks];
        minB = new float[blocks];
        energy = new float[blocks];
        ticks = new double[frames / TICK];
    }

    private double run(int segs) {
        int n = ticks.length;
        int count = (n + (segs - 1) * WARMUP + segs - 1) / segs;
        int[] starts = new int[segs], bounds = new int[segs + 1];
        for (int s = 1; s < segs; s++) {
            bounds[s] = s * count - (s - 1) * WARMUP;
            starts[s] = bounds[s] - WARMUP;
        }
        bounds[segs] = n;
        DspKernels.KWeightExtras ex = switch (pass) {
            case "extras" -> DspKernels.KWeightExtras.extremes(maxA, minA, maxB, minB, energy);
            case "applied" -> new DspKernels.KWeightExtras(gain, 0.8f, outA, outB, maxA, minA, maxB, minB, null);
            default -> null;
        };
        kernels.kWeight(a, b, a.length, TICK, starts, count, bounds, COEF, 1.0, 1.0, new double[8 * segs], ticks,
                new double[8], ex);
        return ticks[n / 2];
    }

    @Benchmark
    public double twoSegments() { return run(2); }

    @Benchmark
    public double fourSegments() { return run(4); }
}
