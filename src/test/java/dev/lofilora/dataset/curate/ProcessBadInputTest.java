package dev.lofilora.dataset.curate;

import dev.lofilora.audio.io.AudioEncoder;
import dev.lofilora.audio.io.WavFile;
import dev.lofilora.common.ConfigFiles;
import dev.lofilora.common.ProgressListener;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Every kind of bad input gets a per-file status and a clear reason in the report, while the good file of the
 * same run is still processed.
 */
class ProcessBadInputTest {
    @TempDir Path root;
    Path raw;
    final List<Map<String, Object>> entries = new ArrayList<>();

    @BeforeEach
    void goodFile() throws IOException {
        raw = Files.createDirectories(root.resolve("raw"));
        Fixtures.write(raw.resolve("good.flac"), Fixtures.music(44100, 6, 99), AudioEncoder.Format.FLAC_16);
        entries.add(Fixtures.entry("good.flac"));
    }

    private ProcessResult run(ProcessConfig config, InputOpener opener) throws IOException {
        Fixtures.sources(root.resolve("meta/sources.json"), entries);
        ProcessResult r = new ProcessJob(config, opener).run(ProgressListener.NONE);
        FileReport good = ProcessJobTest.byName(r, "good");
        assertEquals(FileStatus.OK, good.status(), "the good file of the run: " + good.reasons());
        assertTrue(Files.isRegularFile(root.resolve("out/main/good.wav")));
        return r;
    }

    private ProcessResult run() throws IOException {
        return run(ProcessConfig.of(raw, root.resolve("out"), root.resolve("meta")), InputOpener.FILES);
    }

    /** Runs with an entry for {@code file} and returns its report. */
    private FileReport runWith(String file) throws IOException {
        entries.add(Fixtures.entry(file));
        return only(run(), file);
    }

    private static FileReport only(ProcessResult r, String file) {
        return r.files().stream().filter(f -> f.file().equals(file)).findFirst().orElseThrow();
    }

    private void assertError(FileReport f, String fileName, String problem) {
        assertFalse(f.status().accepted());
        assertEquals(FileStatus.ERROR, f.status(), f.reasons().toString());
        assertTrue(f.error().contains(fileName) && f.error().contains(problem), f.error());
        assertNull(f.output());
        assertFalse(Files.exists(root.resolve("out/main/" + f.name() + ".wav")));
    }

    private void assertRejected(FileReport f, String reasonPart) {
        assertEquals(FileStatus.REJECTED, f.status());
        assertTrue(f.reasons().stream().anyMatch(r -> r.contains(reasonPart)), f.reasons().toString());
        assertNull(f.output());
    }

    @Test
    void corruptFile() throws IOException {
        byte[] junk = new byte[100_000];
        new Random(3).nextBytes(junk);
        Files.write(raw.resolve("junk.mp3"), junk);
        FileReport f = runWith("junk.mp3");
        assertEquals(FileStatus.ERROR, f.status(), f.reasons().toString());
        assertTrue(f.error().contains("junk.mp3"), f.error());
        assertNotNull(f.inputSha256(), "hashed before decoding");
    }

    @Test
    void truncatedFileDecodesWhatIsThereWithAWarning() throws IOException {
        Path whole = Fixtures.write(root.resolve("whole.flac"), Fixtures.music(44100, 12, 5), AudioEncoder.Format.FLAC_16);
        byte[] b = Files.readAllBytes(whole);
        Files.write(raw.resolve("half.flac"), Arrays.copyOf(b, b.length / 2));
        entries.add(Fixtures.entry("half.flac"));
        ProcessResult result = run();
        assertTrue(result.allAccepted(), "a warning still counts as accepted (exit code 0)");
        FileReport f = only(result, "half.flac");
        assertEquals(FileStatus.WARN, f.status(), f.reasons().toString());
        assertTrue(f.reasons().stream().anyMatch(r -> r.contains("of the 12.00 s the file declares; it looks truncated")), f.reasons().toString());
        assertTrue(f.decodedSeconds() > 5 && f.decodedSeconds() < 7, "decoded " + f.decodedSeconds());
        assertEquals(-14.0, f.loudnessAfter().integratedLufs(), 0.1);
    }

    @Test
    void zeroLengthFile() throws IOException {
        Files.createFile(raw.resolve("empty.flac"));
        assertError(runWith("empty.flac"), "empty.flac", "is empty (0 bytes)");
    }

    @Test
    void textFileNamedWav() throws IOException {
        Files.writeString(raw.resolve("readme.wav"), "not audio\n".repeat(50));
        assertError(runWith("readme.wav"), "readme.wav", "is not an audio file FFmpeg can read");
    }

    @Test
    void pngNamedWav() throws IOException {
        Files.write(raw.resolve("cover.wav"), dev.lofilora.audio.io.AudioDecoderTestAccess.tinyPng());
        FileReport f = runWith("cover.wav");
        assertEquals(FileStatus.ERROR, f.status());
        assertTrue(f.error().contains("cover.wav") && (f.error().contains("no audio stream") || f.error().contains("not an audio file")), f.error());
    }

    @Test
    void folderWhereAFileShouldBe() throws IOException {
        Files.createDirectories(raw.resolve("album.flac"));
        assertError(runWith("album.flac"), "album.flac", "is a folder");
    }

    @Test
    void fifoIsNotReadAndDoesNotHang() throws Exception {
        Path fifo = raw.resolve("stream.flac");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        assertError(runWith("stream.flac"), "stream.flac", "is not a regular file");
    }

    @Test
    void danglingSymlink() throws IOException {
        Files.createSymbolicLink(raw.resolve("link.flac"), root.resolve("nowhere.flac"));
        assertError(runWith("link.flac"), "link.flac", "symbolic link whose target does not exist");
    }

    @Test
    void injectedReadFailure() throws IOException {
        Fixtures.write(raw.resolve("flaky.flac"), Fixtures.music(44100, 6, 8), AudioEncoder.Format.FLAC_16);
        entries.add(Fixtures.entry("flaky.flac"));
        InputOpener failing = p -> {
            if (p.getFileName().toString().equals("flaky.flac")) throw new IOException("injected: device not ready");
            return Files.newInputStream(p);
        };
        FileReport f = only(run(ProcessConfig.of(raw, root.resolve("out"), root.resolve("meta")), failing), "flaky.flac");
        assertError(f, "flaky.flac", "cannot be read: injected: device not ready");
    }

    @Test
    void silentFileIsRejectedWithoutANanGain() throws IOException {
        Fixtures.write(raw.resolve("silent.flac"), Fixtures.silence(44100, 6), AudioEncoder.Format.FLAC_16);
        FileReport f = runWith("silent.flac");
        assertEquals(FileStatus.REJECTED, f.status());
        assertTrue(f.reasons().stream().anyMatch(r -> r.toLowerCase().contains("silen")), f.reasons().toString());
        assertNull(f.gainDb(), "no gain for silence");
        assertNull(f.output());
    }

    @Test
    void veryQuietFileIsRejectedNotBoosted() throws IOException {
        var m = Fixtures.music(44100, 6, 13);
        for (float[] ch : m.samples()) for (int i = 0; i < ch.length; i++) ch[i] *= 0.02f; // about -53 LUFS
        Fixtures.write(raw.resolve("quiet.wav"), m, AudioEncoder.Format.WAV_24);
        FileReport f = runWith("quiet.wav");
        assertEquals(FileStatus.REJECTED, f.status(), f.reasons().toString());
        assertTrue(f.reasons().get(0).startsWith("too quiet: -5") && f.reasons().get(0).contains("below -40 LUFS"),
                f.reasons().toString());
        assertTrue(f.loudnessBefore().integratedLufs() < -50);
        assertNull(f.gainDb());
    }

    @Test
    void fileLongerThanTheMaximum() throws IOException {
        Path cfg = Files.createDirectories(root.resolve("cfg"));
        Files.writeString(cfg.resolve("quality_checks.json"), "{\"maxDurationSeconds\": 8.0}");
        Fixtures.write(raw.resolve("long.flac"), Fixtures.music(44100, 10, 9), AudioEncoder.Format.FLAC_16);
        entries.add(Fixtures.entry("long.flac"));
        ProcessConfig c = ProcessConfig.of(raw, root.resolve("out"), root.resolve("meta"), root.resolve("meta/sources.json"),
                ConfigFiles.in(cfg));
        FileReport f = only(run(c, InputOpener.FILES), "long.flac");
        assertRejected(f, "is longer than the maximum of 8 s (10.0 s; quality_checks.json maxDurationSeconds)");
    }

    @Test
    void unusualRatesAreResampledTo48k() throws IOException {
        Path cfg = Files.createDirectories(root.resolve("cfg"));
        // 8 and 11.025 kHz sources cannot have content above 4/5.5 kHz; relax the bandwidth check for this test
        Files.writeString(cfg.resolve("quality_checks.json"), "{\"bandwidthFailHz\": 1000.0, \"bandwidthWarnHz\": 2000.0}");
        int[] rates = {8000, 11025, 96000, 192000};
        for (int rate : rates) {
            Fixtures.write(raw.resolve("r" + rate + ".wav"), Fixtures.music(rate, 6, rate), AudioEncoder.Format.WAV_24);
            entries.add(Fixtures.entry("r" + rate + ".wav"));
        }
        ProcessConfig c = ProcessConfig.of(raw, root.resolve("out"), root.resolve("meta"), root.resolve("meta/sources.json"),
                ConfigFiles.in(cfg));
        ProcessResult r = run(c, InputOpener.FILES);
        for (int rate : rates) {
            FileReport f = ProcessJobTest.byName(r, "r" + rate);
            assertTrue(f.status().accepted(), rate + ": " + f.reasons());
            assertEquals(rate, f.format().sampleRate());
            WavFile.Info info = WavFile.info(Path.of(f.output()));
            assertEquals(48000, info.sampleRate());
            assertEquals(6 * 48000, info.frames(), rate + " Hz");
            assertEquals(-14.0, f.loudnessAfter().integratedLufs(), 0.1);
        }
    }

    @Test
    void entryWhoseFileIsMissing() throws IOException {
        assertRejected(runWith("gone.flac"), "file not found: " + raw.resolve("gone.flac"));
    }

    @Test
    void fileNameEscapingTheRawFolder() throws IOException {
        Fixtures.write(root.resolve("secret.flac"), Fixtures.music(44100, 6, 1), AudioEncoder.Format.FLAC_16);
        FileReport f = runWith("../secret.flac");
        assertRejected(f, "points outside the raw folder ('..')");
        assertNull(f.inputSha256(), "never read");
    }

    @Test
    void collidingOutputNamesRejectBoth() throws IOException {
        for (String d : new String[]{"a", "b"}) {
            Files.createDirectories(raw.resolve(d));
            Fixtures.write(raw.resolve(d + "/take.flac"), Fixtures.music(44100, 6, d.hashCode()), AudioEncoder.Format.FLAC_16);
        }
        entries.add(Fixtures.entry("a/take.flac"));
        Map<String, Object> other = Fixtures.entry("b/take.flac");
        other.put("category", "other");
        entries.add(other);
        ProcessResult r = run();
        for (String f : new String[]{"a/take.flac", "b/take.flac"}) {
            assertRejected(only(r, f), "output name 'take' collides with entries tracks[1]");
        }
    }

    @Test
    void fileWithoutLicenceEntry() throws IOException {
        Files.createDirectories(raw.resolve("extra"));
        Fixtures.write(raw.resolve("extra/unlisted.mp3"), Fixtures.music(44100, 6, 4), AudioEncoder.Format.MP3);
        Files.writeString(raw.resolve("notes.txt"), "not audio, not reported");
        ProcessResult r = run();
        assertEquals(2, r.files().size());
        FileReport f = only(r, "extra/unlisted.mp3");
        assertRejected(f, "no licence entry");
        assertNull(f.name());
    }

    @Test
    void disallowedLicence() throws IOException {
        Fixtures.write(raw.resolve("nc.flac"), Fixtures.music(44100, 6, 12), AudioEncoder.Format.FLAC_16);
        Map<String, Object> e = Fixtures.entry("nc.flac");
        e.put("license", "CC-BY-NC-4.0");
        entries.add(e);
        assertRejected(only(run(), "nc.flac"), "licence 'CC-BY-NC-4.0' is not allowed for training");
    }
}
