package dev.lofilora.demo;

import dev.lofilora.common.ConfigFiles;
import dev.lofilora.common.LofiException;
import dev.lofilora.common.ProgressListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/** {@code demo --seed 8} into a folder made with another seed: refused before anything changes, or --clean. */
class DemoFolderTest {
    @TempDir Path dir;

    private DemoConfig config(long seed, boolean clean) {
        return new DemoConfig(dir, 1, 2, 5, seed, 0, 2, ConfigFiles.defaults(), clean);
    }

    private static Map<String, String> snapshot(Path dir) throws Exception {
        Map<String, String> m = new TreeMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                byte[] d = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p));
                m.put(dir.relativize(p).toString(), HexFormat.of().formatHex(d) + Files.getLastModifiedTime(p));
            }
        }
        return m;
    }

    @Test
    void anotherSeedIsRefusedUntouchedThenCleanStartsOver() throws Exception {
        DemoResult first = new Demo(config(3, false)).run(ProgressListener.NONE);
        assertTrue(first.process().allAccepted());
        Map<String, String> before = snapshot(dir);

        LofiException e = assertThrows(LofiException.class, () -> new Demo(config(8, false)).run(ProgressListener.NONE));
        assertTrue(e.getMessage().contains("holds a demo made with --seed 3 --styles 1 --clips-per-style 2 --seconds 5 "
                + "--unlabelled 0; this run (--seed 8"), e.getMessage());
        assertTrue(e.getMessage().contains("add --clean"), e.getMessage());
        assertEquals(before, snapshot(dir), "nothing was changed, earlier stage output included");

        // the same settings resume as before
        assertEquals(2, new Demo(config(3, false)).run(ProgressListener.NONE).process().totals().resumed());

        DemoResult clean = new Demo(config(8, true)).run(ProgressListener.NONE);
        assertTrue(clean.process().allAccepted());
        assertEquals(2, clean.process().totals().files(), "only the new demo's clips: the old ones were removed");
        assertEquals(0, clean.process().totals().resumed());
    }

    @Test
    void cleanRefusesAFolderThatIsNotADemo() throws Exception {
        Files.writeString(dir.resolve("my-notes.txt"), "keep me");
        LofiException e = assertThrows(LofiException.class, () -> new Demo(config(8, true)).run(ProgressListener.NONE));
        assertTrue(e.getMessage().contains("is not a demo folder"), e.getMessage());
        assertEquals("keep me", Files.readString(dir.resolve("my-notes.txt")));
    }
}
