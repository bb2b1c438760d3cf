package dev.lofilora.train;

import dev.lofilora.common.ConfigFiles;
import dev.lofilora.common.LofiException;
import dev.lofilora.common.ProgressListener;
import dev.lofilora.lora.AdapterFile;
import dev.lofilora.lora.AdapterFiles;
import dev.lofilora.tensor.Tensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Exact resume: a `lofi train` process killed with SIGKILL mid-run and resumed ends with the same adapter, bit for bit,
 * as an uninterrupted run (CPU, one thread); Ctrl-C (SIGINT) leaves a loadable checkpoint; a changed config is refused.
 */
class ResumeTest {
    static final int STEPS = 8;

    @TempDir
    Path tmp;

    /** A config folder whose lora section is rank 4 (faster than the shipped 256 on the tiny model). */
    private Path configDir() throws Exception {
        Path dir = tmp.resolve("config");
        Files.createDirectories(dir);
        String lora = new String(ConfigFiles.defaults().open("lofi_lora_config.json").readAllBytes())
                .replace("\"r\": 256", "\"r\": 4").replace("\"lora_alpha\": 32", "\"lora_alpha\": 8");
        Files.writeString(dir.resolve("lofi_lora_config.json"), lora);
        return dir;
    }

    private TrainConfig config(Path config, Path data, Path out) {
        return TrainConfig.of("tiny", data, out, ConfigFiles.in(config)).with("max_steps", STEPS)
                .with("checkpoint_every", 2).with("precision", "fp32").with("threads", 1).with("batch_size", 2);
    }

    private String[] cli(Path config, Path data, Path out, int maxSteps, int every) {
        return new String[] {"train", "--model", "tiny", "--data", data.toString(), "--out", out.toString(),
                "--config", config.toString(), "--max-steps", String.valueOf(maxSteps), "--checkpoint-every",
                String.valueOf(every), "--precision", "fp32", "--threads", "1", "--batch-size", "2", "--no-progress"};
    }

    private static long lines(Path metrics) throws Exception {
        if (!Files.exists(metrics)) return 0;
        try (Stream<String> s = Files.lines(metrics)) {
            return s.filter(l -> l.endsWith("}")).count();
        }
    }

    private static Map<String, org.bytedeco.pytorch.Tensor> weights(Path checkpoint) {
        return AdapterFiles.read(checkpoint).weights();
    }

    @Test
    void sigkillAtStepKThenResumeEqualsAnUninterruptedRunBitForBit() throws Exception {
        Path config = configDir();
        Path data = tmp.resolve("cache");
        CacheFixtures.write(data, TrainFixtures.tiny().transformerConfig(), 3, false, 18, 22, 25, 30, 19);

        TrainResult reference = new TrainJob(config(config, data, tmp.resolve("ref"))).run(ProgressListener.NONE);
        assertEquals(STEPS, reference.finalStep());

        Path out = tmp.resolve("killed");
        Process p = ChildJvm.start(tmp.resolve("child.log"), cli(config, data, out, STEPS, 2));
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(4);
        while (lines(out.resolve("metrics.jsonl")) < 5 && p.isAlive() && System.nanoTime() < deadline) Thread.sleep(20);
        assertTrue(p.isAlive(), () -> "the child finished before it could be killed: " + read(tmp.resolve("child.log")));
        p.destroyForcibly(); // SIGKILL: no shutdown hook, no checkpoint on the way out
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        long killedAt = lines(out.resolve("metrics.jsonl"));
        assertTrue(killedAt >= 5 && killedAt < STEPS, "killed at step " + killedAt);

        TrainResult resumed = new TrainJob(config(config, data, out).withResume(true)).run(ProgressListener.NONE);
        assertTrue(resumed.startStep() >= 4 && resumed.startStep() <= killedAt, "resumed at " + resumed.startStep());
        assertEquals(STEPS, resumed.finalStep());
        assertEquals(STEPS, lines(out.resolve("metrics.jsonl")), "metrics of the lost steps were replaced");
        try (AdapterFile a = AdapterFiles.read(reference.latestCheckpoint());
             AdapterFile b = AdapterFiles.read(resumed.latestCheckpoint())) {
            assertEquals(a.weights().keySet(), b.weights().keySet());
            for (String k : a.weights().keySet()) {
                assertTrue(Tensors.bitIdentical(a.weights().get(k), b.weights().get(k)), k);
            }
        }
        try (Stream<Path> s = Files.list(out.resolve("checkpoints"))) {
            assertTrue(s.noneMatch(f -> f.getFileName().toString().startsWith(".")), "no temporary checkpoint left");
        }
    }

    @Test
    void ctrlCWritesALoadableCheckpointAndExits() throws Exception {
        Path config = configDir();
        Path data = tmp.resolve("cache");
        CacheFixtures.write(data, TrainFixtures.tiny().transformerConfig(), 4, false, 20, 24);
        Path out = tmp.resolve("run");
        Path log = tmp.resolve("child.log");
        Process p = ChildJvm.start(log, cli(config, data, out, 10_000, 10_000));
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(4);
        while (lines(out.resolve("metrics.jsonl")) < 2 && p.isAlive() && System.nanoTime() < deadline) Thread.sleep(20);
        assertTrue(p.isAlive(), () -> read(log));
        new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor();
        assertTrue(p.waitFor(3, TimeUnit.MINUTES), "exits after Ctrl-C");
        String output = read(log);
        assertTrue(output.contains("stopped on request"), output);
        assertFalse(output.contains("Exception"), output);
        Path checkpoint = new CheckpointStore(out.resolve("checkpoints"), 5, null).latest().orElseThrow();
        TrainingState st = CheckpointStore.readState(checkpoint);
        assertTrue(st.step() >= 2, "checkpoint at step " + st.step());
        try (AdapterFile a = AdapterFiles.read(checkpoint)) {
            assertEquals(62, a.weights().size());
        }
        // ... and it resumes from there (one more step, then a stop request from the gradient hook).
        TrainJob[] job = new TrainJob[1];
        job[0] = new TrainJob(config(config, data, out).with("max_steps", 10_000).with("checkpoint_every", 10_000)
                .withResume(true), TrainPlugins.DEFAULT.withGradientHook((params, step) -> job[0].requestStop()));
        TrainResult r = job[0].run(ProgressListener.NONE);
        assertEquals(st.step(), r.startStep());
        assertEquals(st.step() + 1, r.finalStep());
        assertTrue(r.stopped());
    }

    @Test
    void resumeWithAChangedConfigIsRefusedNamingTheField() throws Exception {
        Path config = configDir();
        Path data = tmp.resolve("cache");
        CacheFixtures.write(data, TrainFixtures.tiny().transformerConfig(), 5, false, 16);
        Path out = tmp.resolve("run");
        new TrainJob(config(config, data, out).with("max_steps", 2)).run(ProgressListener.NONE);
        LofiException e = assertThrows(LofiException.class, () -> new TrainJob(config(config, data, out)
                .with("max_steps", 2).with("learning_rate", 2e-4).withResume(true)).run(ProgressListener.NONE));
        assertTrue(e.getMessage().contains("settings.learning_rate: 1.0E-4 → 2.0E-4"), e.getMessage());
        // Operational settings may change: more checkpoints kept is fine.
        TrainResult ok = new TrainJob(config(config, data, out).with("max_steps", 2).with("keep_checkpoints", 9)
                .withResume(true)).run(ProgressListener.NONE);
        assertEquals(2, ok.finalStep());
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (Exception e) {
            return "(no log)";
        }
    }
}
