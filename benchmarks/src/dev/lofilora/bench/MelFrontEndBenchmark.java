package dev.lofilora.bench;

import dev.lofilora.audio.AudioBuffer;
import dev.lofilora.audio.io.AudioDecoder;
import dev.lofilora.audio.io.WavFile;
import dev.lofilora.common.ConfigFiles;
import dev.lofilora.dataset.curate.Fixtures;
import dev.lofilora.model.codec.MusicDcae;
import dev.lofilora.model.tiny.TinyPreset;
import dev.lofilora.tensor.Devices;
import dev.lofilora.tensor.Tensors;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The log-mel front end of ACE-Step's audio encoder on the CPU — 48 k → 44.1 k resampling with torchaudio's kernel,
 * padding to a multiple of 4096, reflect-padded STFT, magnitude, 128-band Slaney mel, log, normalisation to the DCAE
 * input — as a real-time factor: the score is seconds of audio per second of compute (ops/s with one op = one second
 * of stereo audio). Anchor in the same run: FFmpeg decoding the same audio from a 24-bit WAV (the file
 * {@code preprocess} reads). Fixture: {@value #SECONDS} s of seeded synthetic music, 48 kHz stereo.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Dorg.bytedeco.javacpp.maxPhysicalBytes=0", "-Dorg.bytedeco.javacpp.maxBytes=0",
        "-Xmx4g"})
public class MelFrontEndBenchmark {
    static final int SECONDS = 60;

    private Path dir;
    private Path wav;
    private MusicDcae codec;
    private Tensor audio;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        dir = Files.createTempDirectory("mel-bench");
        wav = dir.resolve("music.wav");
        AudioBuffer music = Fixtures.music(48000, SECONDS, 7);
        WavFile.write(wav, music, 24);
        AudioBuffer decoded = AudioDecoder.decode(wav);
        float[] flat = new float[2 * decoded.frames()];
        System.arraycopy(decoded.samples()[0], 0, flat, 0, decoded.frames());
        System.arraycopy(decoded.samples()[1], 0, flat, decoded.frames(), decoded.frames());
        audio = Tensors.fromFloatArray(flat, 1, 2, decoded.frames());
        // the front end has no learned weights: the tiny codec's resampler and mel buffers are the real ones
        codec = TinyPreset.load(ConfigFiles.defaults()).musicDcae(Devices.cpu());
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        codec.close();
        audio.close();
        Files.deleteIfExists(wav);
        Files.deleteIfExists(dir);
    }

    /** The front end: [1, 2, L] at 48 kHz → the DCAE input [1, 2, 128, F]. */
    @Benchmark
    @OperationsPerInvocation(SECONDS)
    public double melFrontEnd() {
        try (PointerScope scope = new PointerScope()) {
            return codec.frontEnd(audio).sum().item_double();
        }
    }

    /** The anchor: decoding the same audio with FFmpeg. */
    @Benchmark
    @OperationsPerInvocation(SECONDS)
    public int ffmpegDecode() throws IOException {
        return AudioDecoder.decode(wav).frames();
    }
}
