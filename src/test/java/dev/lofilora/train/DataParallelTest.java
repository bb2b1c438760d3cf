package dev.lofilora.train;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lofilora.common.ConfigFiles;
import dev.lofilora.common.Json;
import dev.lofilora.common.ProgressListener;
import dev.lofilora.lora.AdapterFile;
import dev.lofilora.lora.AdapterFiles;
import dev.lofilora.tensor.Tensors;
import dev.lofilora.train.dist.Collectives;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Data-parallel {@code lofi train} on PyTorch c10d with Gloo on the CPU (issue 14), 2 ranks on the tiny preset:
 * 2 processes × batch 2 train the same LoRA as 1 process × batch 4 (up to fp32 reduction order) and two 2-process
 * runs are bit-identical; a rank killed mid-run makes the other stop within the timeout naming it, and the run
 * resumes from its last checkpoint with 2 processes or with 1. (2 ranks on this 2-core machine: a correctness test.)
 */
class DataParallelTest {
    static final int STEPS = 4;
    /** Largest |Δ| between the 2-process and 1-process adapters accepted: fp32 reduction-order round-off. */
    static final double TOLERANCE = 1e-6;

    @TempDir
    Path tmp;

    /**
     * Rank-4 LoRA with dropout 0.1 on its input, the tiny lyric encoder's dropout on (0.1): their masks are drawn for
     * the global batch, so they are the same in 1 and 2 processes.
     */
    private Path configDir() throws IOException {
        Path dir = tmp.resolve("config");
        Files.createDirectories(dir);
        String lora = new String(ConfigFiles.defaults().open("lofi_lora_config.json").readAllBytes())
                .replace("\"r\": 256", "\"r\": 4").replace("\"lora_alpha\": 32", "\"lora_alpha\": 8")
                .replace("\"lora_dropout\": 0.0", "\"lora_dropout\": 0.1");
        assertTrue(lora.contains("\"lora_dropout\": 0.1"), "lofi_lora_config.json layout changed");
        Files.writeString(dir.resolve("lofi_lora_config.json"), lora);
        return dir;
    }

    private Path data() {
        Path data = tmp.resolve("cache");
        // 7 tracks in two length buckets: full global batches of 4 and a leftover batch of 3 split 1 + 2
        CacheFixtures.write(data, TrainFixtures.tiny().transformerConfig(), 3, false, 18, 22, 25, 30, 19, 21, 40);
        return data;
    }

    private static List<String> cli(Path config, Path data, Path out, int steps, int every, int batch, String... more) {
        List<String> a = new ArrayList<>(List.of("train", "--model", "tiny", "--data", data.toString(), "--out",
                out.toString(), "--config", config.toString(), "--max-steps", String.valueOf(steps),
                "--checkpoint-every", String.valueOf(every), "--precision", "fp32", "--threads", "1", "--batch-size",
                String.valueOf(batch), "--no-progress", "--bucket-mb", "0.01"));
        a.addAll(List.of(more));
        return a;
    }

    private TrainConfig oneProcess(Path config, Path data, Path out, int steps, int every) {
        return TrainConfig.of("tiny", data, out, ConfigFiles.in(config)).with("max_steps", steps)
                .with("checkpoint_every", every).with("precision", "fp32").with("threads", 1).with("batch_size", 4);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static String read(Path f) {
        try {
            return Files.readString(f);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    private static Path latest(Path run) {
        return new CheckpointStore(run.resolve("checkpoints"), 5, null).latest().orElseThrow();
    }

    /** max |a - b| over every adapter tensor; the key sets must match. */
    static double maxAbsDiff(Path a, Path b) {
        try (AdapterFile x = AdapterFiles.read(a); AdapterFile y = AdapterFiles.read(b)) {
            assertEquals(x.weights().keySet(), y.weights().keySet());
            double max = 0;
            for (Map.Entry<String, Tensor> e : x.weights().entrySet()) {
                max = Math.max(max, e.getValue().sub(y.weights().get(e.getKey())).abs().max().item_double());
            }
            return max;
        }
    }

    static boolean bitIdentical(Path a, Path b) {
        try (AdapterFile x = AdapterFiles.read(a); AdapterFile y = AdapterFiles.read(b)) {
            assertEquals(x.weights().keySet(), y.weights().keySet());
            return x.weights().keySet().stream().allMatch(k -> Tensors.bitIdentical(x.weights().get(k), y.weights().get(k)));
        }
    }

    private static long lines(Path metrics) throws IOException {
        if (!Files.exists(metrics)) return 0;
        try (Stream<String> s = Files.lines(metrics)) {
            return s.filter(l -> l.endsWith("}")).count();
        }
    }

    private static List<Double> metric(Path run, String field) throws IOException {
        List<Double> out = new ArrayList<>();
        for (String l : Files.readAllLines(run.resolve("metrics.jsonl"))) out.add(Json.MAPPER.readTree(l).get(field).asDouble());
        return out;
    }

    @Test
    void twoProcessesOfBatch2MatchOneProcessOfBatch4AndRepeatBitForBit() throws Exception {
        Path config = configDir();
        Path data = data();
        TrainResult ref = new TrainJob(oneProcess(config, data, tmp.resolve("one"), STEPS, 2)).run(ProgressListener.NONE);
        assertEquals(STEPS, ref.finalStep());

        // run A: the launcher (--nproc 2) starts and supervises both ranks
        Path a = tmp.resolve("two-a");
        Process launcher = ChildJvm.start(tmp.resolve("a.log"), cli(config, data, a, STEPS, 2, 2, "--nproc", "2",
                "--json").toArray(String[]::new));
        // run B: each rank started by hand, as a scheduler would (--rank/--world-size + MASTER_ADDR/MASTER_PORT)
        Path b = tmp.resolve("two-b");
        Map<String, String> env = Map.of("MASTER_ADDR", "127.0.0.1", "MASTER_PORT", String.valueOf(freePort()));
        assertEquals(0, launcher.waitFor() , () -> read(tmp.resolve("a.log")));
        List<Process> ranks = new ArrayList<>();
        for (int r = 0; r < 2; r++) {
            ranks.add(ChildJvm.start(tmp.resolve("b" + r + ".log"), "dev.lofilora.cli.Main", env,
                    cli(config, data, b, STEPS, 2, 2, "--rank", String.valueOf(r), "--world-size", "2").toArray(String[]::new)));
        }
        for (int r = 0; r < 2; r++) {
            int rank = r;
            assertTrue(ranks.get(r).waitFor(4, TimeUnit.MINUTES));
            assertEquals(0, ranks.get(r).exitValue(), () -> read(tmp.resolve("b" + rank + ".log")));
        }

        String aLog = read(tmp.resolve("a.log"));
        // rank 0's standard output passes through unprefixed (the --json result); the rest is prefixed [rank r]/[launcher]
        JsonNode result = Json.MAPPER.readTree(String.join("\n", aLog.lines().filter(l -> !l.startsWith("[")).toList()));
        assertEquals(STEPS, result.get("final_step").asLong(), aLog);
        assertEquals(4, Json.readTree(a.resolve("run.json")).get("settings").get("batch_size").asInt(),
                "run.json records the global batch");
        assertEquals(STEPS, lines(a.resolve("metrics.jsonl")), "rank 0 alone writes metrics");

        double diff = maxAbsDiff(ref.latestCheckpoint(), latest(a));
        System.out.printf("2 processes x batch 2 vs 1 process x batch 4 after %d steps: max |dLoRA| = %.3g%n", STEPS, diff);
        assertTrue(bitIdentical(latest(a), latest(b)), "two 2-process runs are bit-identical");
        List<Double> l1 = metric(tmp.resolve("one"), "loss"), l2 = metric(a, "loss");
        List<Double> g1 = metric(tmp.resolve("one"), "grad_norm"), g2 = metric(a, "grad_norm");
        for (int i = 0; i < STEPS; i++) {
            System.out.printf("step %d: loss %.9g vs %.9g (rel %.2g), grad norm %.9g vs %.9g (rel %.2g)%n", i + 1,
                    l1.get(i), l2.get(i), Math.abs(l1.get(i) / l2.get(i) - 1), g1.get(i), g2.get(i), Math.abs(g1.get(i) / g2.get(i) - 1));
            assertEquals(l1.get(i), l2.get(i), 1e-6 * l1.get(i), "step " + (i + 1) + ": loss of the global batch");
            assertEquals(g1.get(i), g2.get(i), 1e-6 * g1.get(i), "step " + (i + 1) + ": norm of the averaged gradient");
        }
        assertTrue(diff <= TOLERANCE, "max |Δ| " + diff);
    }

    @Test
    void aKilledRankStopsTheOtherNamingItAndTheRunResumesWithTwoOrOneProcesses() throws Exception {
        Path config = configDir();
        Path data = data();
        int steps = 24, timeout = 20;
        Path out = tmp.resolve("run");
        Path log = tmp.resolve("launcher.log");
        Process launcher = ChildJvm.start(log, cli(config, data, out, steps, 2, 2, "--nproc", "2",
                "--dist-timeout", String.valueOf(timeout)).toArray(String[]::new));
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(4);
        while (lines(out.resolve("metrics.jsonl")) < 3 && launcher.isAlive() && System.nanoTime() < deadline) Thread.sleep(20);
        assertTrue(launcher.isAlive(), () -> "finished before the kill: " + read(log));
        Matcher m = Pattern.compile("\\[launcher] rank 1: pid (\\d+)").matcher(read(log));
        assertTrue(m.find(), read(log));
        long pid = Long.parseLong(m.group(1));
        ProcessHandle.of(pid).orElseThrow().destroyForcibly(); // SIGKILL rank 1 mid-run
        long killed = System.nanoTime();
        assertTrue(launcher.waitFor(timeout + 30, TimeUnit.SECONDS), "the launcher exits");
        double seconds = (System.nanoTime() - killed) / 1e9;
        String output = read(log);
        System.out.printf("rank 1 killed: the launcher exited %.1f s later (timeout %d s)%n", seconds, timeout);
        assertEquals(1, launcher.exitValue(), output);
        assertTrue(output.contains("rank 1 (pid " + pid + ") was killed by SIGKILL"), output);
        assertTrue(output.contains("[rank 0] error: rank 0: rank 1 of 2 stopped answering"), output);
        assertTrue(seconds < timeout, "rank 0 stopped within the timeout: " + seconds + " s");
        long done = lines(out.resolve("metrics.jsonl"));
        assertTrue(done >= 3 && done < steps, "killed at step " + done);
        Path checkpoint = latest(out);
        long at = CheckpointStore.readState(checkpoint).step();
        assertTrue(at >= 2 && at <= done, "last checkpoint " + at);
        try (Stream<Path> s = Files.list(out.resolve("checkpoints"))) {
            assertTrue(s.allMatch(f -> Files.isRegularFile(f.resolve(CheckpointStore.STATE))), "only complete checkpoints");
        }

        // resume the same run folder with 1 process × batch 4 (a copy) and with 2 processes × batch 2
        Path copy = tmp.resolve("run-one");
        copyTree(out, copy);
        TrainResult one = new TrainJob(oneProcess(config, data, copy, steps, 2).withResume(true)).run(ProgressListener.NONE);
        assertEquals(at, one.startStep());
        assertEquals(steps, one.finalStep());
        Process again = ChildJvm.start(tmp.resolve("resume.log"), cli(config, data, out, steps, 2, 2, "--nproc", "2",
                "--resume").toArray(String[]::new));
        assertTrue(again.waitFor(4, TimeUnit.MINUTES));
        String resumed = read(tmp.resolve("resume.log"));
        assertEquals(0, again.exitValue(), resumed);
        assertTrue(resumed.contains("resumed " + out + " at step " + at), resumed);
        assertEquals(steps, CheckpointStore.readState(latest(out)).step());
        assertEquals(steps, lines(out.resolve("metrics.jsonl")), "the lost steps' metrics were replaced");
        double diff = maxAbsDiff(one.latestCheckpoint(), latest(out));
        System.out.printf("resumed from step %d: 2 processes vs 1 process after %d steps: max |dLoRA| = %.3g%n", at, steps, diff);
        assertTrue(diff <= TOLERANCE, "max |Δ| " + diff);
    }

    @Test
    void aHungRankStopsTheOtherWithinTheTimeoutNamingIt() throws Exception {
        Path config = configDir();
        Path data = data();
        int timeout = 5;
        Path out = tmp.resolve("run");
        Map<String, String> env = Map.of("MASTER_ADDR", "127.0.0.1", "MASTER_PORT", String.valueOf(freePort()));
        List<Process> ranks = new ArrayList<>();
        for (int r = 0; r < 2; r++) {
            ranks.add(ChildJvm.start(tmp.resolve("r" + r + ".log"), "dev.lofilora.cli.Main", env, cli(config, data, out,
                    10_000, 10_000, 2, "--rank", String.valueOf(r), "--world-size", "2", "--dist-timeout",
                    String.valueOf(timeout)).toArray(String[]::new)));
        }
        try {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(4);
            while (lines(out.resolve("metrics.jsonl")) < 2 && ranks.get(0).isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertTrue(ranks.get(0).isAlive(), () -> read(tmp.resolve("r0.log")));
            new ProcessBuilder("kill", "-STOP", Long.toString(ranks.get(1).pid())).start().waitFor(); // rank 1 hangs
            long stopped = System.nanoTime();
            assertTrue(ranks.get(0).waitFor(timeout + 30, TimeUnit.SECONDS), "rank 0 gives up");
            double seconds = (System.nanoTime() - stopped) / 1e9;
            String log = read(tmp.resolve("r0.log"));
            System.out.printf("rank 1 hung (SIGSTOP): rank 0 exited %.1f s later (timeout %d s + %d ms for the "
                    + "survivors' reports)%n", seconds, timeout, Collectives.REPORT_GRACE_MS);
            assertEquals(1, ranks.get(0).exitValue(), log);
            assertTrue(log.contains("error: rank 0: rank 1 of 2 stopped answering (died or hung)"), log);
            assertTrue(log.contains("Timed out"), log);
            assertTrue(seconds < timeout + Collectives.REPORT_GRACE_MS / 1000.0 + 10, seconds + " s");
        } finally {
            for (Process p : ranks) p.destroyForcibly();
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path q = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(q); else Files.copy(p, q);
            }
        }
    }
}
