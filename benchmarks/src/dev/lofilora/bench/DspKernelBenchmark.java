package dev.lofilora.bench;

import dev.lofilora.audio.AudioBuffer;
import dev.lofilora.audio.dsp.Dsp;
import dev.lofilora.audio.dsp.DspKernels;
import dev.lofilora.audio.dsp.JavaDsp;
import dev.lofilora.audio.io.Resampler;
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

import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * The two polyphase kernels that remained the bottleneck of {@code process}, on one three-minute stereo track, in
 * three implementations: {@code java} (the reference, {@link JavaDsp}: scalar, auto-vectorised where the JIT can),
 * {@code vector} (the JDK Vector API, {@link VectorApiKernels}) and {@code native} (C++ AVX2+FMA through JavaCPP).
 * The anchor of the resampler is libswresample running the same filter ({@code swr}, in the {@code resample} method
 * with impl = swr). Decides native vs Vector API (DESIGN.md: the Vector API only if within 20 % of native).
 *
 * <p>{@code truePeak}: the ITU interpolator (4 phases × 12 taps) over every block of a 48 kHz channel (a dense master:
 * nothing pruned), 8.64 M samples. {@code resample}: 44.1 → 48 kHz, 128 taps, both channels, 8.64 M outputs each.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xmx4g",
        "-Dorg.bytedeco.javacpp.maxPhysicalBytes=0", "-Dorg.bytedeco.javacpp.maxBytes=0"})
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
public class DspKernelBenchmark {
    @Param({"java", "vector", "native", "swr"})
    public String impl;

    private float[] x48;
    private float[] bound;
    private float[] ituTaps;
    private AudioBuffer in44;
    private float[] bank;
    private float[][] out;
    private Resampler swr;

    @Setup
    public void setUp() {
        Random rnd = new Random(1);
        x48 = new float[48000 * 180];
        for (int i = 0; i < x48.length; i++) x48[i] = (float) (0.3 * rnd.nextGaussian());
        bound = new float[x48.length / 16];
        Arrays.fill(bound, 10f); // every block scanned: the dense case
        double[] p0 = {0.0017089843750, 0.0109863281250, -0.0196533203125, 0.0332031250000, -0.0594482421875,
                0.1373291015625, 0.9721679687500, -0.1022949218750, 0.0476074218750, -0.0266113281250, 0.0148925781250,
                -0.0083007812500};
        double[] p1 = {-0.0291748046875, 0.0292968750000, -0.0517578125000, 0.0891113281250, -0.1665039062500,
                0.4650878906250, 0.7797851562500, -0.2003173828125, 0.1015625000000, -0.0582275390625, 0.0330810546875,
                -0.0189208984375};
        ituTaps = new float[48];
        for (int k = 0; k < 12; k++) {
            ituTaps[k] = (float) p0[k];
            ituTaps[12 + k] = (float) p1[k];
            ituTaps[24 + k] = (float) p1[11 - k];
            ituTaps[36 + k] = (float) p0[11 - k];
        }
        float[][] s = new float[2][44100 * 180 + 256];
        for (float[] c : s) for (int i = 0; i < c.length; i++) c[i] = (float) (0.3 * rnd.nextGaussian());
        in44 = new AudioBuffer(s, 44100);
        bank = new float[160 * 128];
        for (int i = 0; i < bank.length; i++) bank[i] = (float) (rnd.nextGaussian() / 64);
        out = new float[2][48000 * 180];
        swr = Resampler.swr(Resampler.Settings.HIGH_QUALITY);
        if (impl.equals("native") && Dsp.nativeKernels() == null) throw new IllegalStateException(Dsp.nativeProblem());
    }

    /** ITU true-peak search over every block of a 3-min 48 kHz channel. */
    @Benchmark
    public float truePeak() {
        int b1 = x48.length / 16;
        return switch (impl) {
            case "java" -> JavaDsp.INSTANCE.tpPeak(x48, bound, 1, b1, 0f, ituTaps, 4, 12);
            case "vector" -> VectorApiKernels.tpPeak4(x48, bound, 1, b1, 0f, ituTaps, 12);
            case "native" -> Dsp.nativeKernels().tpPeak(x48, bound, 1, b1, 0f, ituTaps, 4, 12);
            default -> Float.NaN; // no swr variant of the true-peak search
        };
    }

    /** 44.1 → 48 kHz, 128 taps, 160 phases, both channels of a 3-min track (8.64 M outputs per channel). */
    @Benchmark
    public float resample() {
        int n = out[0].length;
        switch (impl) {
            case "java" -> JavaDsp.INSTANCE.resample(in44.samples()[0], in44.samples()[1], out[0], out[1], 0, n, 0, 0,
                    bank, 128, 160, 0, 147);
            case "vector" -> VectorApiKernels.resample2(in44.samples()[0], in44.samples()[1], out[0], out[1], n, 0, 0,
                    bank, 128, 160, 0, 147);
            case "native" -> Dsp.nativeKernels().resample(in44.samples()[0], in44.samples()[1], out[0], out[1], 0, n, 0,
                    0, bank, 128, 160, 0, 147);
            default -> { return swr.resample(in44, 48000).samples()[0][n / 2]; }
        }
        return out[0][n / 2];
    }
}
