package dev.lofilora.listen;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code lofi listen} in a child JVM (this test JVM's class path), so a test can kill it like a crash or Ctrl-C.
 * Its stderr goes to a file, not a pipe: the JDK closes a child's pipe when the child exits, and a reader blocked
 * on it then loses the last lines ("Stream closed"), which are the ones a shutdown test needs.
 */
final class ChildListen implements AutoCloseable {
    private static final Pattern URL = Pattern.compile("open (http://127\\.0\\.0\\.1:(\\d+)/) in a browser");
    final Process process;
    private final Path errFile;
    final String url;
    final int port;

    ChildListen(Path errFile, List<String> listenArgs) throws IOException, InterruptedException {
        this.errFile = errFile;
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-Djava.awt.headless=true", "-cp", System.getProperty("java.class.path"),
                "dev.lofilora.cli.Main", "listen"));
        cmd.addAll(listenArgs);
        process = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(errFile.toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        Matcher m;
        while (!(m = URL.matcher(stderr())).find()) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                process.destroyForcibly();
                throw new IOException("lofi listen did not start: " + stderr());
            }
            Thread.sleep(100);
        }
        url = m.group(1);
        port = Integer.parseInt(m.group(2));
    }

    /** SIGKILL: no shutdown hook, no finally block runs: a crash. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** Sends SIGTERM and returns whether the child ended within {@code seconds}. */
    boolean terminate(long seconds) throws InterruptedException {
        process.destroy();
        return process.waitFor(seconds, TimeUnit.SECONDS);
    }

    String stderr() {
        try {
            return Files.exists(errFile) ? Files.readString(errFile, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "(cannot read " + errFile + ": " + e + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) kill();
    }
}
