package dev.lofilora.bench;

import dev.lofilora.audio.AudioBuffer;
import dev.lofilora.audio.dsp.Dsp;
import dev.lofilora.audio.io.AudioDecoder;
import dev.lofilora.audio.io.AudioEncoder;
import dev.lofilora.common.Json;
import dev.lofilora.common.ProgressListener;
import dev.lofilora.dataset.curate.FileReport;
import dev.lofilora.dataset.curate.Fixtures;
import dev.lofilora.dataset.curate.ProcessConfig;
import dev.lofilora.dataset.curate.ProcessJob;
import dev.lofilora.dataset.curate.ProcessResult;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

/**
 * {@code lofi process} throughput in files per minute (DESIGN.md §4: on 2 cores, 3-min tracks ≥ 300 files/min and
 * 30-s clips ≥ 1000 files/min, within 2× the floor), against its floor: the in-process FFmpeg decode of the same
 * files alone, on the same number of threads. One run covers every case: 30-s and 3-min, MP3 and FLAC (44.1 kHz
 * stereo), and two signals, {@code music} (music-like: chords, drums, noise; peaky, so the limiter works) and
 * {@code dense} (a tone under pink noise pushed into a limiter at −1 dBTP: little dynamic range, every block near the
 * peak, the worst case for the true-peak search). {@link ProcessBenchmarkReport} (run by {@code benchmarks/run}) prints
 * each pipeline figure beside its floor and the ratio, and the ratio measured with the floor decode interleaved
 * between the pipeline invocations (steadier where the machine's load drifts).
 *
 * <p>{@code pipeline} runs the real {@link ProcessJob} (hash, decode, quality checks, resample to 48 kHz, loudness,
 * gain, limiter, 24-bit WAV write, decode-back verification, report) over a folder of copies of one fixture with
 * {@code threads} workers: 4 files (the default) or {@code -p files=N}; {@code -p files=0} gives every length
 * {@value #AUDIO_SECONDS_PER_RUN} s of audio a run (4 tracks of 3 min, 24 clips of 30 s), so that a run's fixed costs
 * (the report, the state files, the JIT compiling per-run code) weigh the same on both lengths, as on a user's folder.
 * One JMH operation is one run: JMH's own score is runs per minute, and {@link ProcessBenchmarkReport} multiplies it by
 * the files per run. The resume state and the outputs are cleared before each invocation (outside the timing), so every
 * invocation is a first run on new files: nothing is skipped, and no earlier output is in the way (kept outputs would
 * be moved aside into {@code .lofi-kept}, gigabytes a trial, which a first run never does). The time of each stage
 * per file (from the job's own report) is averaged over the trial's measured iterations and written to
 * {@code target/jmh/process-stages-<signal>-<seconds>s-<format>.json}. Fixtures are made once and kept in
 * {@code target/jmh/fixtures/}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(java.util.concurrent.TimeUnit.MINUTES)
@Fork(value = 1, jvmArgsAppend = {"-Dorg.bytedeco.javacpp.maxPhysicalBytes=0", "-Dorg.bytedeco.javacpp.maxBytes=0",
        "-Xmx8g"})
@Warmup(iterations = 1, time = 5)
@Measurement(iterations = 3, time = 5)
public class ProcessBenchmark {
    /** Audio in one run's folder with {@code -p files=0}: 4 tracks of 3 min, 24 clips of 30 s. */
    static final int AUDIO_SECONDS_PER_RUN = 720;

    /** Files in one run's folder: {@code files}, or with 0 {@value #AUDIO_SECONDS_PER_RUN} s of audio. */
    static int filesPerRun(int seconds, int files) {
        return files > 0 ? files : Math.max(1, AUDIO_SECONDS_PER_RUN / seconds);
    }

    @Param({"30", "180"})
    public int seconds;

    @Param({"mp3", "flac"})
    public String format;

    @Param({"music", "dense"})
    public String signal;

    @Param({"2"})
    public int threads;

    /** Files per run: 4, as in rounds 1-6; 0: {@value #AUDIO_SECONDS_PER_RUN} s of audio ({@link #filesPerRun}). */
    @Param({"4"})
    public int files;

    private Path dir;
    private List<Path> inputs;
    private ProcessConfig config;
    private ExecutorService pool;
    private final Map<String, double[]> stageSums = new TreeMap<>(); // stage → {sum, count}
    /** Whether the current iteration is a measured one: warm-up iterations count in neither figure, as in JMH's score. */
    private boolean measuring;
    /**
     * Seconds of the interleaved floor decodes and of the pipeline runs they preceded, measured iterations only: wall clock
     * {floor, pipeline}, then CPU time of the whole JVM {floor, pipeline}. The CPU ratio is what the wall ratio would be
     * on an otherwise idle machine, and unlike it does not move with other processes' load.
     */
    private final double[] interleaved = new double[4];
    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        Path fixture = fixture(signal, seconds, format);
        dir = Files.createTempDirectory("process-bench");
        Path raw = Files.createDirectories(dir.resolve("raw"));
        inputs = new ArrayList<>();
        List<Map<String, Object>> entries = new ArrayList<>();
        for (int i = 0, n = filesPerRun(seconds, files); i < n; i++) {
            Path p = raw.resolve("track" + i + "." + format);
            Files.copy(fixture, p);
            inputs.add(p);
            entries.add(Fixtures.entry(p.getFileName().toString()));
        }
        Fixtures.sources(dir.resolve("meta/sources.json"), entries);
        ProcessConfig c = ProcessConfig.of(raw, dir.resolve("out"), dir.resolve("meta"));
        config = c.withSettings(c.settings().withThreads(threads));
        pool = Executors.newFixedThreadPool(threads);
        System.out.println("\nkernels: " + Dsp.kernels().describe());
    }

    /** The source file for these parameters, made once (encoding a 3-min MP3 takes a while) and kept. */
    static Path fixture(String signal, int seconds, String format) throws IOException {
        Path f = Path.of("target/jmh/fixtures/" + signal + "-" + seconds + "s." + format);
        if (Files.exists(f)) return f;
        Files.createDirectories(f.getParent());
        AudioBuffer audio = switch (signal) {
            case "music" -> Fixtures.music(44100, seconds, 1);
            case "dense" -> Fixtures.dense(44100, seconds, 1);
            default -> throw new IllegalArgumentException(signal);
        };
        Path tmp = f.resolveSibling(f.getFileName() + ".tmp." + format);
        Fixtures.write(tmp, audio, format.equals("mp3") ? AudioEncoder.Format.MP3 : AudioEncoder.Format.FLAC_16);
        Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING);
        return f;
    }

    @Setup(Level.Iteration)
    public void noteIterationType(org.openjdk.jmh.infra.IterationParams iteration) {
        measuring = iteration.getType() == org.openjdk.jmh.runner.IterationType.MEASUREMENT;
    }

    /**
     * Before each pipeline invocation: clears the resume state and the outputs, and decodes the same files on the
     * same threads, timed (outside JMH's measurement). On a shared machine whose load drifts between trials, this
     * interleaved floor gives a steadier ratio than the separate {@link #decodeFloor} trial; both are reported.
     */
    @Setup(Level.Invocation)
    public void forgetResumeStateAndTimeTheFloor(org.openjdk.jmh.infra.BenchmarkParams params) throws Exception {
        deleteTree(config.stateDir());
        deleteTree(config.outDir());
        if (params.getBenchmark().endsWith("pipeline")) { // in warm-up too, so that it warms up the same way
            long t0 = System.nanoTime(), c0 = OS.getProcessCpuTime();
            decodeFloor();
            if (measuring) {
                interleaved[0] += (System.nanoTime() - t0) / 1e9;
                interleaved[2] += (OS.getProcessCpuTime() - c0) / 1e9;
            }
        }
    }

    /** The whole {@code process} job over the folder; the score is runs per minute (× {@link #filesPerRun}: files). */
    @Benchmark
    public ProcessResult pipeline() throws IOException {
        long t0 = System.nanoTime(), c0 = OS.getProcessCpuTime();
        ProcessResult r = new ProcessJob(config).run(ProgressListener.NONE);
        for (FileReport f : r.files()) {
            if (!f.status().accepted()) throw new IllegalStateException(f.file() + ": " + f.reasons());
        }
        if (!measuring) return r;
        interleaved[1] += (System.nanoTime() - t0) / 1e9;
        interleaved[3] += (OS.getProcessCpuTime() - c0) / 1e9;
        for (FileReport f : r.files()) {
            synchronized (stageSums) {
                f.stageSeconds().forEach((k, v) -> {
                    double[] s = stageSums.computeIfAbsent(k, x -> new double[2]);
                    s[0] += v;
                    s[1]++;
                });
            }
        }
        return r;
    }

    /** The floor: decoding the same files with FFmpeg alone, in process, on the same number of threads (runs/min). */
    @Benchmark
    public long decodeFloor() throws Exception {
        List<Future<Integer>> fs = new ArrayList<>();
        for (Path p : inputs) fs.add(pool.submit(() -> AudioDecoder.decode(p).frames()));
        long frames = 0;
        for (Future<Integer> f : fs) frames += f.get();
        return frames;
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        pool.shutdownNow();
        if (!stageSums.isEmpty()) {
            Map<String, Object> mean = new LinkedHashMap<>();
            double total = 0;
            for (var e : stageSums.entrySet()) {
                double m = e.getValue()[0] / e.getValue()[1];
                mean.put(e.getKey(), Math.round(m * 1e4) / 1e4);
                total += m;
            }
            mean.put("total", Math.round(total * 1e4) / 1e4);
            System.out.println("\nprocess stages, mean seconds per file (" + signal + ", " + seconds + " s " + format
                    + ", " + threads + " threads, " + inputs.size() + " files a run): " + mean);
            Path outFile = Path.of("target/jmh/process-stages-" + signal + "-" + seconds + "s-" + format + ".json");
            Files.createDirectories(outFile.getParent());
            double ratio = interleaved[1] / interleaved[0], cpuRatio = interleaved[3] / interleaved[2];
            System.out.printf("interleaved: process / decode of the same files = %.2f (wall), %.2f (CPU time)%n", ratio,
                    cpuRatio);
            Json.write(outFile, Map.of("signal", signal, "seconds", seconds, "format", format, "threads", threads,
                    "filesPerRun", inputs.size(),
                    "kernels", Dsp.kernels().describe(), "meanSecondsPerFile", mean,
                    "interleavedRatio", Math.round(ratio * 100) / 100.0,
                    "interleavedCpuRatio", Math.round(cpuRatio * 100) / 100.0));
        }
        deleteTree(dir);
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) return;
        try (Stream<Path> s = Files.walk(p)) {
            for (Path x : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) Files.deleteIfExists(x);
        }
    }
}
