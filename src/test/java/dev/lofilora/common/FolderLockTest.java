package dev.lofilora.common;

import dev.lofilora.ChildJvm;
import dev.lofilora.audio.io.AudioEncoder;
import dev.lofilora.dataset.curate.Fixtures;
import dev.lofilora.dataset.curate.ProcessConfig;
import dev.lofilora.dataset.curate.ProcessJob;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** Two runs on one metadata folder: the second stops before any work, naming the first. */
class FolderLockTest {
    @TempDir Path root;

    /** Held by a child JVM until its stdin closes. */
    public static final class Holder {
        public static void main(String[] args) throws Exception {
            try (FolderLock lock = FolderLock.acquire(Path.of(args[0]), "lofi process data/raw (the other run)")) {
                System.out.println("locked");
                System.out.flush();
                System.in.read(); // until the test closes our stdin
            }
        }
    }

    private Path project() throws Exception {
        Path raw = Files.createDirectories(root.resolve("raw"));
        Fixtures.write(raw.resolve("a.flac"), Fixtures.music(44100, 6, 1), AudioEncoder.Format.FLAC_16);
        Fixtures.sources(root.resolve("meta/sources.json"), List.of(Fixtures.entry("a.flac")));
        return raw;
    }

    @Test
    void aSecondRunInAnotherProcessStopsNamingTheFirstAndChangesNothing() throws Exception {
        Path raw = project();
        Path outFile = root.resolve("holder.out"), errFile = root.resolve("holder.err");
        Process holder = ChildJvm.start("022", outFile, errFile, Holder.class.getName(), root.resolve("meta").toString());
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (!Files.readString(outFile).contains("locked")) {
                assertTrue(holder.isAlive(), () -> "holder died: " + read(errFile));
                assertTrue(System.nanoTime() < deadline, "holder did not lock in time");
                Thread.sleep(100);
            }
            LofiException e = assertThrows(LofiException.class, () ->
                    new ProcessJob(ProcessConfig.of(raw, root.resolve("out"), root.resolve("meta"))).run(ProgressListener.NONE));
            assertTrue(e.getMessage().contains("is in use by another lofi run (process " + holder.pid()
                    + ", `lofi process data/raw (the other run)`, started "), e.getMessage());
            assertFalse(Files.exists(root.resolve("out/main/a.wav")), "nothing was processed");
            assertFalse(Files.exists(root.resolve("meta/qc_report.json")));
        } finally {
            holder.getOutputStream().close();
            holder.waitFor(30, TimeUnit.SECONDS);
            holder.destroyForcibly();
        }
        // the lock dies with its process: the next run goes ahead
        var r = new ProcessJob(ProcessConfig.of(raw, root.resolve("out"), root.resolve("meta"))).run(ProgressListener.NONE);
        assertTrue(r.allAccepted());
    }

    @Test
    void withinOneJvmASecondLockIsRefusedTooAndReleasedOnClose() {
        Path dir = root.resolve("m");
        try (FolderLock first = FolderLock.acquire(dir, "lofi prompts x")) {
            LofiException e = assertThrows(LofiException.class, () -> FolderLock.acquire(dir, "lofi process y"));
            assertTrue(e.getMessage().contains("this process, pid " + ProcessHandle.current().pid()
                    + ", `lofi prompts x`"), e.getMessage());
        }
        FolderLock.acquire(dir, "again").close();
    }

    /** The lock file is written over the last holder's: a shorter holder leaves no tail of the longer one. */
    @Test
    void aShorterHolderReplacesALongerOneWhole() throws Exception {
        Path dir = root.resolve("m2");
        FolderLock.acquire(dir, "lofi process a-rather-long-folder-name --out somewhere/far/away --split-long").close();
        try (FolderLock lock = FolderLock.acquire(dir, "lofi x")) {
            String text = Files.readString(dir.resolve(FolderLock.FILE));
            assertFalse(text.contains("split-long"), text);
            assertTrue(text.endsWith("}\n"), text);
            var n = Json.MAPPER.readTree(text);
            assertEquals("lofi x", n.path("command").asText());
            assertEquals(ProcessHandle.current().pid(), n.path("pid").asLong());
        }
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (Exception e) {
            return "";
        }
    }
}
