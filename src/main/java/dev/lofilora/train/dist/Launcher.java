package dev.lofilora.train.dist;

import org.bytedeco.javacpp.Loader;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * {@code lofi train --nproc N}: starts the N local ranks of a data-parallel run as torchrun does — one JVM each, with
 * this JVM's {@code java}, flags and class path, running {@code lofi} with the same arguments and torchrun's
 * environment ({@code RANK}, {@code WORLD_SIZE}, {@code LOCAL_RANK}, {@code LOCAL_WORLD_SIZE}, {@code MASTER_ADDR},
 * {@code MASTER_PORT}) — and supervises them: rank 0's standard output is passed through (the {@code --json} result),
 * every rank's standard error is copied with a {@code [rank r]} prefix. When a rank exits with a non-zero code or is
 * killed, the launcher names it and gives the others the timeout to stop by themselves (their next collective fails
 * at once when the peer's connection closed, or after the collective timeout when it hangs), then kills them.
 * {@link #stop()} (Ctrl-C, SIGTERM) forwards SIGTERM: the ranks agree on a step, rank 0 writes a checkpoint.
 */
public final class Launcher {
    private final LaunchConfig config;
    private final PrintStream out;
    private final PrintStream err;
    private final List<Process> procs = new ArrayList<>();
    private volatile boolean stopping;

    public Launcher(LaunchConfig config, PrintStream out, PrintStream err) {
        this.config = config;
        this.out = out;
        this.err = err;
    }

    /** Starts the ranks and waits for them. */
    public LaunchResult run() throws IOException, InterruptedException {
        // Extract libtorch/Gloo into the JavaCPP cache once, here: N JVMs extracting at once can crash in System.load
        // (research/onnx_export.md §5, pitfall 1).
        Loader.load(org.bytedeco.pytorch.global.torch.class);
        Loader.load(org.bytedeco.pytorch.ProcessGroupGloo.class);
        int n = config.nproc();
        List<Thread> pumps = new ArrayList<>();
        synchronized (procs) {
            for (int local = 0; local < n; local++) {
                int rank = config.nodeRank() * n + local;
                ProcessBuilder pb = new ProcessBuilder(command());
                pb.environment().put("RANK", String.valueOf(rank));
                pb.environment().put("WORLD_SIZE", String.valueOf(config.worldSize()));
                pb.environment().put("LOCAL_RANK", String.valueOf(local));
                pb.environment().put("LOCAL_WORLD_SIZE", String.valueOf(n));
                pb.environment().put("MASTER_ADDR", config.masterAddr());
                pb.environment().put("MASTER_PORT", String.valueOf(config.masterPort()));
                Process p = pb.start();
                procs.add(p);
                err.println("[launcher] rank " + rank + ": pid " + p.pid());
                err.flush();
                pumps.add(pump(p.getErrorStream(), line -> err.println("[rank " + rank + "] " + line)));
                pumps.add(pump(p.getInputStream(), rank == 0 ? out::println : line -> err.println("[rank " + rank + "] " + line)));
            }
        }
        LaunchResult r = supervise();
        for (Thread t : pumps) t.join(5000);
        out.flush();
        err.println("[launcher] " + (r.failedRank() < 0 ? r.message() : "exit codes of the local ranks: " + r.exitCodes()));
        err.flush();
        return r;
    }

    private LaunchResult supervise() throws InterruptedException {
        int n = procs.size();
        int failed = -1;
        String message = null;
        long killAt = Long.MAX_VALUE;
        while (true) {
            boolean allDone = true;
            for (int i = 0; i < n; i++) {
                Process p = procs.get(i);
                if (p.isAlive()) {
                    allDone = false;
                    continue;
                }
                if (failed < 0 && p.exitValue() != 0) {
                    failed = i;
                    int rank = config.nodeRank() * n + i;
                    message = "rank " + rank + " (pid " + p.pid() + ") " + describe(p.exitValue())
                            + "; the other ranks stop within the collective timeout (" + config.timeout().toSeconds()
                            + " s) or are killed; --resume continues from the last complete checkpoint";
                    err.println("[launcher] " + message);
                    err.flush();
                    killAt = System.nanoTime() + config.timeout().toNanos() + TimeUnit.SECONDS.toNanos(10);
                }
            }
            if (allDone) break;
            if (System.nanoTime() > killAt) {
                for (Process p : procs) if (p.isAlive()) p.destroy();
                for (Process p : procs) if (!p.waitFor(10, TimeUnit.SECONDS)) p.destroyForcibly();
                killAt = Long.MAX_VALUE;
            }
            Thread.sleep(100);
        }
        List<Integer> codes = new ArrayList<>();
        for (Process p : procs) codes.add(p.exitValue());
        int globalFailed = failed < 0 ? -1 : config.nodeRank() * n + failed;
        if (failed < 0) {
            return new LaunchResult(codes, -1, "all " + n + " local ranks finished", 0);
        }
        boolean badInput = codes.stream().allMatch(c -> c == 0 || c == 2);
        return new LaunchResult(codes, globalFailed, message, badInput ? 2 : stopping ? 130 : 1);
    }

    static String describe(int code) {
        if (code > 128 && code < 160) {
            String sig = switch (code - 128) {
                case 9 -> "SIGKILL";
                case 15 -> "SIGTERM";
                case 6 -> "SIGABRT";
                case 11 -> "SIGSEGV";
                case 2 -> "SIGINT";
                default -> "signal " + (code - 128);
            };
            return "was killed by " + sig + " (exit code " + code + ")";
        }
        return "exited with code " + code;
    }

    /** Forwards SIGTERM to every rank (they stop together after a step; rank 0 checkpoints). Thread-safe. */
    public void stop() {
        stopping = true;
        synchronized (procs) {
            for (Process p : procs) if (p.isAlive()) p.destroy();
        }
    }

    /** Waits until every rank has exited (after {@link #stop()}); false on timeout. */
    public boolean awaitExit(long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        List<Process> copy;
        synchronized (procs) {
            copy = List.copyOf(procs);
        }
        for (Process p : copy) {
            if (!p.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) return false;
        }
        return true;
    }

    private List<String> command() {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            // this JVM's flags (memory, JavaCPP settings), not a debugger or agent that would clash between ranks
            if (!a.startsWith("-agentlib") && !a.startsWith("-javaagent") && !a.startsWith("-Xrunjdwp")) cmd.add(a);
        }
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add("dev.lofilora.cli.Main");
        cmd.addAll(config.args());
        return cmd;
    }

    private static Thread pump(InputStream in, Consumer<String> sink) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) sink.accept(line);
            } catch (IOException ignored) {
                // the rank exited; its exit code says how
            }
        }, "lofi-launcher-pump");
        t.setDaemon(true);
        t.start();
        return t;
    }
}
