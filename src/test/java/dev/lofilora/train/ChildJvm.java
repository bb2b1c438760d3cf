package dev.lofilora.train;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Starts {@code lofi} (dev.lofilora.cli.Main) in a separate JVM on this test's class path. */
final class ChildJvm {
    private ChildJvm() {}

    static Process start(Path log, String... args) throws IOException {
        return start(log, "dev.lofilora.cli.Main", java.util.Map.of(), args);
    }

    /** Runs {@code mainClass} with extra environment variables. */
    static Process start(Path log, String mainClass, java.util.Map<String, String> env, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Dorg.bytedeco.javacpp.maxPhysicalBytes=0");
        cmd.add("-Dorg.bytedeco.javacpp.maxBytes=0");
        cmd.add("-Djava.awt.headless=true");
        cmd.add("-Xmx1g");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(mainClass);
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(env);
        return pb.start();
    }
}
