package dev.lofilora.common;

import dev.lofilora.ChildJvm;
import dev.lofilora.audio.io.AudioEncoder;
import dev.lofilora.dataset.curate.Fixtures;
import dev.lofilora.dataset.curate.ProcessConfig;
import dev.lofilora.dataset.curate.ProcessJob;
import dev.lofilora.dataset.curate.ProcessResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/** Ctrl-C: temporary files are removed, finished work is kept and said so, and the exit code is 130. */
class InterruptionTest {
    @TempDir Path root;

    @Test
    void cleanUpDeletesTheRegisteredTemporaryFilesAndFoldersAndSaysWhatWasKept() throws Exception {
        Path target = root.resolve("out/a.wav");
        Path unfinished = Files.createDirectories(root.resolve(".final.lofi-partial-1-abc"));
        Files.writeString(unfinished.resolve("x.wav"), "half a dataset");
        Interruption.trackDir(unfinished);
        String[] said = new String[1];
        Path[] tmp = new Path[1];
        try (Interruption.Note note = Interruption.note(() -> "3 of 10 files finished")) {
            assertThrows(IOException.class, () -> AtomicFiles.write(target, out -> {
                out.write(new byte[1000]);
                try (Stream<Path> s = Files.list(target.getParent())) {
                    tmp[0] = s.filter(p -> p.getFileName().toString().endsWith(".tmp")).findFirst().orElseThrow();
                }
                said[0] = Interruption.cleanUp(); // what the shutdown hook does on Ctrl-C, mid-write
            }));
        }
        assertFalse(Files.exists(tmp[0]), "the temporary file is gone");
        assertFalse(Files.exists(target), "no half file in place");
        assertFalse(Files.exists(unfinished));
        assertTrue(said[0].startsWith("3 of 10 files finished; removed 1 temporary file(s) and 1 unfinished folder(s): "),
                said[0]);
        assertTrue(said[0].contains(tmp[0].getFileName().toString()), said[0]);
    }

    @Test
    void ctrlCDuringProcessExits130SaysWhatWasKeptLeavesNoDebrisAndTheNextRunResumes() throws Exception {
        Path raw = Files.createDirectories(root.resolve("raw"));
        List<Map<String, Object>> entries = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            Fixtures.write(raw.resolve("t" + i + ".flac"), Fixtures.music(44100, 8, 100 + i), AudioEncoder.Format.FLAC_16);
            entries.add(Fixtures.entry("t" + i + ".flac"));
        }
        Path meta = root.resolve("meta"), out = root.resolve("out");
        Fixtures.sources(meta.resolve("sources.json"), entries);
        Path stdout = root.resolve("child.out"), stderr = root.resolve("child.err");
        Process child = ChildJvm.start("022", stdout, stderr, "dev.lofilora.cli.Main", "process", raw.toString(),
                "--out", out.toString(), "--metadata", meta.toString(), "--threads", "1", "--no-progress");
        Path state = meta.resolve("process_state");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (countJson(state) < 1) {
            assertTrue(child.isAlive(), () -> "the run ended before it could be interrupted: " + read(stderr));
            assertTrue(System.nanoTime() < deadline, "no file finished in time");
            Thread.sleep(20);
        }
        new ProcessBuilder("kill", "-INT", Long.toString(child.pid())).start().waitFor();
        assertTrue(child.waitFor(60, TimeUnit.SECONDS));
        String err = read(stderr);
        assertEquals(130, child.exitValue(), err);
        int kept = countJson(state);
        assertTrue(kept >= 1 && kept < 12, "kept " + kept);
        assertTrue(err.matches("(?s).*interrupted: \\d+ of 12 files finished, their outputs kept in " + java.util.regex.Pattern.quote(out.toString())
                + " \\(the next run skips them\\); (removed \\d+ temporary file\\(s\\)|no temporary files were left).*"), err);
        try (Stream<Path> s = Stream.concat(Files.walk(out), Files.walk(meta))) {
            List<Path> debris = s.filter(p -> p.getFileName().toString().endsWith(".tmp")).toList();
            assertEquals(List.of(), debris, "no temporary file is left");
        }
        ProcessResult next = new ProcessJob(ProcessConfig.of(raw, out, meta)).run(ProgressListener.NONE);
        assertTrue(next.allAccepted());
        assertEquals(kept, next.totals().resumed(), "every finished file is kept: " + next.totals());
    }

    private static int countJson(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) return 0;
        try (Stream<Path> s = Files.list(dir)) {
            return (int) s.filter(p -> p.getFileName().toString().endsWith(".json")).count();
        }
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return "";
        }
    }
}
