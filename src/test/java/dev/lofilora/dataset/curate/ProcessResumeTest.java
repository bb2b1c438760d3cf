package dev.lofilora.dataset.curate;

import dev.lofilora.audio.io.AudioEncoder;
import dev.lofilora.common.ProgressListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/** Resuming, the untouched raw folder, and parallel runs equal to one-thread runs. */
class ProcessResumeTest {
    @TempDir Path root;

    private Path raw() throws IOException {
        Path raw = Files.createDirectories(root.resolve("raw"));
        Fixtures.write(raw.resolve("a.flac"), Fixtures.music(44100, 6, 41), AudioEncoder.Format.FLAC_16);
        Fixtures.write(raw.resolve("b.mp3"), Fixtures.music(44100, 6, 42), AudioEncoder.Format.MP3);
        Fixtures.write(raw.resolve("c.wav"), Fixtures.music(48000, 6, 43), AudioEncoder.Format.WAV_24);
        Fixtures.sources(root.resolve("meta/sources.json"), List.of(Fixtures.entry("a.flac"), Fixtures.entry("b.mp3"),
                Fixtures.entry("c.wav")));
        return raw;
    }

    /** Path → sha256 + modification time of every file under {@code dir}. */
    private static Map<String, String> snapshot(Path dir) throws Exception {
        Map<String, String> m = new TreeMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                if (!Files.isRegularFile(p)) continue;
                byte[] d = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p));
                m.put(dir.relativize(p).toString(), HexFormat.of().formatHex(d) + " " + Files.getLastModifiedTime(p));
            }
        }
        return m;
    }

    private ProcessResult run(ProcessConfig c) throws IOException {
        return new ProcessJob(c).run(ProgressListener.NONE);
    }

    @Test
    void secondRunSkipsEverythingAndChangesRedoOnlyWhatChanged() throws Exception {
        Path raw = raw();
        Map<String, String> rawBefore = snapshot(raw);
        ProcessConfig c = ProcessConfig.of(raw, root.resolve("out"), root.resolve("meta"));
        AtomicLong advanced = new AtomicLong();
        ProgressListener counting = new ProgressListener() {
            @Override public void advance(long units, String item) { advanced.addAndGet(units); }
        };

        ProcessResult first = new ProcessJob(c).run(counting);
        assertTrue(first.allAccepted(), first.files().toString());
        assertEquals(3, advanced.get(), "one progress step per file");
        assertEquals(0, first.totals().resumed());
        Path outA = root.resolve("out/main/a.wav");
        FileTime aTime = Files.getLastModifiedTime(outA);
        Map<String, String> outBefore = snapshot(root.resolve("out"));
        assertTrue(Files.isRegularFile(root.resolve("meta/process_state/a.json")));

        ProcessResult second = run(c);
        assertEquals(3, second.totals().resumed());
        assertTrue(second.files().stream().allMatch(FileReport::resumed));
        assertEquals(first.files().get(0).loudnessAfter(), second.files().get(0).loudnessAfter());
        assertEquals(outBefore, snapshot(root.resolve("out")), "nothing rewritten");

        // a changed input is redone, the others are kept
        Fixtures.write(raw.resolve("a.flac"), Fixtures.music(44100, 6, 777), AudioEncoder.Format.FLAC_16);
        rawBefore = snapshot(raw);
        ProcessResult third = run(c);
        assertFalse(ProcessJobTest.byName(third, "a").resumed());
        assertTrue(ProcessJobTest.byName(third, "b").resumed());
        assertTrue(ProcessJobTest.byName(third, "c").resumed());
        assertNotEquals(first.files().get(0).inputSha256(), ProcessJobTest.byName(third, "a").inputSha256());

        // a deleted output (say, an interrupted run) is redone
        Files.delete(root.resolve("out/main/b.wav"));
        ProcessResult fourth = run(c);
        assertFalse(ProcessJobTest.byName(fourth, "b").resumed());
        assertTrue(Files.isRegularFile(root.resolve("out/main/b.wav")));

        // a changed config redoes everything
        ProcessSettings quieter = new ProcessSettings(-16.0, -1.0, OverCeilingPolicy.LIMIT, OutputFormat.WAV24, 48000,
                false, -60.0, 0, ProcessSettings.defaults().licenses());
        ProcessResult fifth = run(c.withSettings(quieter));
        assertEquals(0, fifth.totals().resumed());
        assertEquals(-16.0, ProcessJobTest.byName(fifth, "c").loudnessAfter().integratedLufs(), 0.1);
        assertNotEquals(first.run().configHash(), fifth.run().configHash());

        // threads do not change outputs, so they are not part of the hash
        ProcessResult sixth = run(c.withSettings(quieter.withThreads(1)));
        assertEquals(3, sixth.totals().resumed());

        assertEquals(rawBefore, snapshot(raw), "the raw folder is never modified");
        assertTrue(aTime.compareTo(Files.getLastModifiedTime(outA)) <= 0);
    }

    @Test
    void parallelRunWritesTheSameBytesAsASingleThreadRun() throws Exception {
        Path raw = raw();
        Map<String, String> rawBefore = snapshot(raw);
        ProcessConfig one = ProcessConfig.of(raw, root.resolve("out1"), root.resolve("meta1"), root.resolve("meta/sources.json"),
                dev.lofilora.common.ConfigFiles.defaults());
        ProcessConfig two = ProcessConfig.of(raw, root.resolve("out2"), root.resolve("meta2"), root.resolve("meta/sources.json"),
                dev.lofilora.common.ConfigFiles.defaults());
        ProcessResult r1 = run(one.withSettings(one.settings().withThreads(1)));
        ProcessResult r2 = run(two.withSettings(two.settings().withThreads(3)));
        assertEquals(1, r1.run().threads());
        assertEquals(3, r2.run().threads());
        for (String name : List.of("a", "b", "c")) {
            byte[] x = Files.readAllBytes(root.resolve("out1/main/" + name + ".wav"));
            byte[] y = Files.readAllBytes(root.resolve("out2/main/" + name + ".wav"));
            assertArrayEquals(x, y, name);
        }
        for (int i = 0; i < 3; i++) assertEquals(r1.files().get(i).name(), r2.files().get(i).name(), "report order is sources order");
        assertEquals(rawBefore, snapshot(raw));
    }
}
