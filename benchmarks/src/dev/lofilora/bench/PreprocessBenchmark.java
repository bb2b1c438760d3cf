package dev.lofilora.bench;

import dev.lofilora.audio.io.AudioDecoder;
import dev.lofilora.audio.io.WavFile;
import dev.lofilora.common.ProgressListener;
import dev.lofilora.dataset.curate.Fixtures;
import dev.lofilora.preprocess.PreprocessConfig;
import dev.lofilora.preprocess.PreprocessJob;
import dev.lofilora.preprocess.PreprocessResult;
import dev.lofilora.preprocess.TrackReport;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * {@code lofi preprocess --model tiny} throughput in tracks per minute on the CPU: the whole job over {@value #TRACKS}
 * tracks of {@code seconds} s (48 kHz stereo 24-bit WAV, prompt + 4 variants, {@code [instrumental]} lyrics) — model
 * build, hashing, decoding, ACE-Step's audio rules, DCAE encode, UMT5 on 5 prompts, lyric ids, cache writes — with
 * {@code --force} so nothing is skipped. Anchor in the same run: FFmpeg decoding the same files alone (the floor).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MINUTES)
@Fork(value = 1, jvmArgsAppend = {"-Dorg.bytedeco.javacpp.maxPhysicalBytes=0", "-Dorg.bytedeco.javacpp.maxBytes=0",
        "-Xmx6g"})
public class PreprocessBenchmark {
    static final int TRACKS = 4;

    @Param({"30"})
    public int seconds;

    private Path dir;
    private PreprocessConfig config;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        dir = Files.createTempDirectory("preprocess-bench");
        Path data = Files.createDirectories(dir.resolve("final"));
        Path meta = Files.createDirectories(dir.resolve("metadata"));
        StringBuilder variants = new StringBuilder("{\"tracks\": {");
        for (int i = 0; i < TRACKS; i++) {
            String key = "track" + i;
            WavFile.write(data.resolve(key + ".wav"), Fixtures.music(48000, seconds, i), 24);
            Files.writeString(data.resolve(key + "_prompt.txt"), "lofi hip hop, chill, rhodes, vinyl crackle, 84 bpm");
            Files.writeString(data.resolve(key + "_lyrics.txt"), "[instrumental]");
            variants.append(i == 0 ? "" : ", ").append('"').append(key).append("\": {\"variants\": [")
                    .append("\"chill, lofi hip hop, 84 bpm\", \"lofi hip hop, rhodes\", \"vinyl crackle, lofi hip hop\", ")
                    .append("\"lofi hip hop, chill, rhodes\"]}");
        }
        Files.writeString(meta.resolve("prompt_variants.json"), variants.append("}}").toString());
        config = PreprocessConfig.of(data, dir.resolve("cache"), "tiny").withMetadata(meta).withDevice("cpu")
                .withForce(true);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }

    /** The whole job; the score is tracks per minute. */
    @Benchmark
    @OperationsPerInvocation(TRACKS)
    public PreprocessResult preprocessTiny() {
        PreprocessResult r = new PreprocessJob(config).run(ProgressListener.NONE);
        for (TrackReport t : r.tracks()) {
            if (!t.status().cached()) throw new IllegalStateException(t.key() + ": " + t.message());
        }
        return r;
    }

    /** The floor: FFmpeg decoding the same files. */
    @Benchmark
    @OperationsPerInvocation(TRACKS)
    public long ffmpegDecode() throws IOException {
        long n = 0;
        for (int i = 0; i < TRACKS; i++) n += AudioDecoder.decode(dir.resolve("final/track" + i + ".wav")).frames();
        return n;
    }
}
