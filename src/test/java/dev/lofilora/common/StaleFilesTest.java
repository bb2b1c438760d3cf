package dev.lofilora.common;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Debris of killed runs is recognised by name and by its process being gone; nothing else is touched. */
class StaleFilesTest {
    @TempDir Path root;

    /** A process id that is not running (a process that has ended). */
    static long deadPid() throws Exception {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        return p.pid();
    }

    private static Path old(Path p) throws Exception {
        Files.setLastModifiedTime(p, FileTime.from(Instant.now().minusSeconds(600)));
        return p;
    }

    @Test
    void onlyTheDebrisOfDeadRunsIsDeleted() throws Exception {
        long dead = deadPid(), alive = ProcessHandle.current().pid();
        Path cat = Files.createDirectories(root.resolve("main"));
        Path deadTmp = Files.writeString(cat.resolve(".a.wav.lofi-" + dead + "-k3j.tmp"), "x");
        Path liveTmp = Files.writeString(cat.resolve(".b.wav.lofi-" + alive + "-k3j.tmp"), "x");
        Path legacyOld = old(Files.writeString(cat.resolve(".c.wav.1234567890123.tmp"), "x"));
        Path legacyNew = Files.writeString(cat.resolve(".d.wav.1234567890123.tmp"), "x");
        Path user = Files.writeString(cat.resolve("notes.tmp"), "mine");
        Path hidden = Files.writeString(cat.resolve(".e.wav"), "mine too");
        Path kept = Files.createDirectories(root.resolve(".lofi-kept/main"));
        Path insideHidden = Files.writeString(kept.resolve(".f.wav.lofi-" + dead + "-x.tmp"), "not looked at");

        List<Path> removed = StaleFiles.clean(root, 2);
        assertEquals(List.of(deadTmp, legacyOld).stream().sorted().toList(), removed.stream().sorted().toList());
        for (Path p : List.of(liveTmp, legacyNew, user, hidden, insideHidden)) assertTrue(Files.exists(p), p.toString());
    }

    @Test
    void unfinishedDatasetFoldersAreDeletedAndAnInterruptedSwapIsUndone() throws Exception {
        long dead = deadPid();
        Path finalDir = root.resolve("final");
        Path partial = Files.createDirectories(root.resolve(".final.lofi-partial-" + dead + "-ab12cd34"));
        Files.writeString(partial.resolve("big.wav"), "630 MB in real life");
        Path legacy = old(Files.createDirectories(root.resolve(".final.partial-0a1b2c3d")));
        Path other = Files.createDirectories(root.resolve(".finalist.partial-0a1b2c3d"));
        // stopped between the two renames of a dataset swap: the earlier dataset only exists as `old`
        Path previous = Files.createDirectories(root.resolve(".final.lofi-old-" + dead + "-99aa88bb"));
        Files.writeString(previous.resolve("manifest.json"), "{}");

        List<Path> removed = StaleFiles.cleanSiblings(finalDir);
        assertEquals(List.of(legacy, partial).stream().sorted().toList(), removed.stream().sorted().toList());
        assertFalse(Files.exists(previous));
        assertEquals("{}", Files.readString(finalDir.resolve("manifest.json")), "the earlier dataset is back");
        assertTrue(Files.exists(other), "another folder's name is not ours");
    }
}
