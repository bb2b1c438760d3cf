package dev.lofilora.bench;

import dev.lofilora.audio.AudioBuffer;
import dev.lofilora.audio.io.AudioDecoder;
import dev.lofilora.audio.io.WavFile;
import dev.lofilora.audio.synth.LofiSynth;
import dev.lofilora.audio.synth.SynthStyle;
import dev.lofilora.metrics.TinyMetrics;
import dev.lofilora.metrics.clap.ClapEmbedder;
import dev.lofilora.metrics.clap.ClapModel;
import dev.lofilora.metrics.clap.HtsatConfig;
import dev.lofilora.metrics.vggish.Vggish;
import dev.lofilora.metrics.vggish.VggishConfig;
import dev.lofilora.metrics.vggish.VggishEmbedder;
import dev.lofilora.tensor.Devices;
import org.bytedeco.pytorch.global.torch;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Embedding throughput of the validation metrics on the CPU, in clips per second, for one 30-s 48 kHz stereo clip
 * (the default validation clip length), beside its anchor: FFmpeg decoding the same clip from a 16-bit WAV.
 * <ul>
 *   <li>{@link #decode}: the anchor (every clip is decoded once per run).</li>
 *   <li>{@link #vggish}: the released VGGish shape (72 M parameters, seeded random weights): mono, the fixed
 *       48 → 16 kHz resampler, the log-mel front end, 31 examples through the network.</li>
 *   <li>{@link #htsatBase}: LAION-CLAP's HTSAT-base audio tower and projection (the music checkpoints' shape,
 *       random weights): int16 round trip, three 10-s windows (hop 10 s), the in-model STFT/mel front end, Swin.</li>
 * </ul>
 * Weights are random because throughput does not depend on their values; the shapes are the released ones. Run
 * short: {@code benchmarks/run MetricEmbedding -f 1 -wi 1 -i 3}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 1, time = 5)
@Measurement(iterations = 3, time = 10)
@Fork(value = 1, jvmArgsAppend = {"-Dorg.bytedeco.javacpp.maxPhysicalBytes=0", "-Dorg.bytedeco.javacpp.maxBytes=0",
        "-Xmx4g"})
public class MetricEmbeddingBenchmark {
    static final double SECONDS = 30;

    @State(Scope.Benchmark)
    public static class Clip {
        Path dir;
        Path wav;
        AudioBuffer audio;

        @Setup(Level.Trial)
        public void setUp() throws IOException {
            dir = Files.createTempDirectory("lofi-metric-bench");
            wav = dir.resolve("clip.wav");
            audio = new LofiSynth().render(SynthStyle.LOFI_HIP_HOP, 9, "minor", 84, 7, SECONDS).audio();
            WavFile.write(wav, audio, 16);
        }

        @TearDown(Level.Trial)
        public void tearDown() throws IOException {
            Files.deleteIfExists(wav);
            Files.deleteIfExists(dir);
        }
    }

    @State(Scope.Benchmark)
    public static class VggishState {
        VggishEmbedder embedder;

        @Setup(Level.Trial)
        public void setUp() {
            torch.set_num_threads(Runtime.getRuntime().availableProcessors());
            Vggish model = new Vggish(VggishConfig.RELEASED);
            TinyMetrics.randomise(model, 1, Devices.cpu());
            embedder = VggishEmbedder.of(model, Devices.cpu(), "random (released shape)");
        }

        @TearDown(Level.Trial)
        public void tearDown() { embedder.close(); }
    }

    @State(Scope.Benchmark)
    public static class HtsatState {
        ClapEmbedder embedder;

        @Setup(Level.Trial)
        public void setUp() {
            torch.set_num_threads(Runtime.getRuntime().availableProcessors());
            ClapModel model = new ClapModel(HtsatConfig.BASE, null, 512);
            TinyMetrics.randomise(model, 2, Devices.cpu());
            embedder = ClapEmbedder.audioOnly(model, Devices.cpu(), true, 10.0, "random (HTSAT-base shape)");
        }

        @TearDown(Level.Trial)
        public void tearDown() { embedder.close(); }
    }

    @Benchmark
    public AudioBuffer decode(Clip clip) throws IOException {
        return AudioDecoder.decode(clip.wav);
    }

    @Benchmark
    public float[][] vggish(Clip clip, VggishState s) {
        return s.embedder.embed(clip.audio);
    }

    @Benchmark
    public float[] htsatBase(Clip clip, HtsatState s) {
        return s.embedder.embedAudio(clip.audio).clip();
    }
}
