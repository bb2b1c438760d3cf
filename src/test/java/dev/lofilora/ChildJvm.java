package dev.lofilora;

import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Starts a class of this build in a separate JVM, through {@code sh -c 'umask U; exec java …'}: for what one JVM
 * cannot test about itself (the umask its files are created with, a second process holding a lock, Ctrl-C). The
 * child gets the test JVM's classpath and JVM flags (minus agents and the heap size), a 1 GB heap, and SIGINT's
 * default disposition (a shell started in the background would otherwise make the child ignore Ctrl-C).
 */
public final class ChildJvm {
    private ChildJvm() {}

    public record Result(int exit, String out, String err) {}

    /** The command line: {@code sh -c "umask <umask>; exec env --default-signal=INT java … <main> <args>"}. */
    public static List<String> command(String umask, String mainClass, List<String> args) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java));
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (a.startsWith("-javaagent") || a.startsWith("-agentlib") || a.startsWith("-Xmx") || a.startsWith("-Xdebug")) continue;
            cmd.add(a);
        }
        cmd.add("-Xmx1g");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(mainClass);
        cmd.addAll(args);
        StringBuilder sh = new StringBuilder("umask " + umask + "; exec ");
        if (new File("/usr/bin/env").canExecute()) sh.append("env --default-signal=INT ");
        for (String c : cmd) sh.append(quote(c)).append(' ');
        return List.of("sh", "-c", sh.toString());
    }

    /** Starts the child; its stdout and stderr go to the given files. */
    public static Process start(String umask, Path stdout, Path stderr, String mainClass, String... args) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command(umask, mainClass, List.of(args)));
        pb.redirectOutput(stdout.toFile());
        pb.redirectError(stderr.toFile());
        return pb.start();
    }

    /** Runs the child to the end (at most {@code timeoutSeconds}) and returns its exit code and output. */
    public static Result run(String umask, Path scratch, long timeoutSeconds, String mainClass, String... args)
            throws IOException, InterruptedException {
        Files.createDirectories(scratch);
        Path out = Files.createTempFile(scratch, "child", ".out"), err = Files.createTempFile(scratch, "child", ".err");
        Process p = start(umask, out, err, mainClass, args);
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("child JVM did not finish in " + timeoutSeconds + " s: " + Files.readString(err));
        }
        return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    private static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
