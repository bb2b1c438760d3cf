package dev.lofilora.dataset.curate;

import dev.lofilora.audio.io.AudioEncoder;
import dev.lofilora.common.ProgressListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A file's stages split across threads (fewer files than threads: checks beside resampling, the resampler's outputs,
 * the channels of the true-peak search) write the same bytes and report the same readings as one thread. The two
 * files are long enough for every split to happen (the resampler's parts, the K-weighting's halves) and take both
 * paths of the gain: a peaky music-like track that is limited and a dense limited master that is only turned down.
 */
class ProcessThreadsTest {
    @TempDir Path root;

    @Test
    void threeThreadsWriteTheSameBytesAsOneOnFewerFilesThanThreads() throws Exception {
        Path raw = Files.createDirectories(root.resolve("raw"));
        Fixtures.write(raw.resolve("music.mp3"), Fixtures.music(44100, 14, 21), AudioEncoder.Format.MP3);
        Fixtures.write(raw.resolve("dense.flac"), Fixtures.dense(44100, 14, 22), AudioEncoder.Format.FLAC_16);
        Fixtures.sources(root.resolve("meta/sources.json"), List.of(Fixtures.entry("music.mp3"), Fixtures.entry("dense.flac")));
        ProcessResult one = run(raw, "1", 1), three = run(raw, "3", 3);
        assertEquals(3, three.run().threads());
        for (int i = 0; i < 2; i++) {
            FileReport a = one.files().get(i), b = three.files().get(i);
            assertTrue(a.status().accepted(), a.name() + " " + a.reasons());
            assertArrayEquals(Files.readAllBytes(Path.of(a.output())), Files.readAllBytes(Path.of(b.output())), a.name());
            assertEquals(a.loudnessBefore(), b.loudnessBefore(), a.name());
            assertEquals(a.loudnessAfter(), b.loudnessAfter(), a.name());
            assertEquals(a.limiter(), b.limiter(), a.name());
            assertEquals(a.checks(), b.checks(), a.name());
        }
        assertTrue(one.files().get(0).limiter().applied(), "the music-like track is limited");
        assertTrue(!one.files().get(1).limiter().applied(), "the dense master is only turned down");
    }

    private ProcessResult run(Path raw, String tag, int threads) throws Exception {
        ProcessConfig c = ProcessConfig.of(raw, root.resolve("out" + tag), root.resolve("meta" + tag),
                root.resolve("meta/sources.json"), dev.lofilora.common.ConfigFiles.defaults());
        return new ProcessJob(c.withSettings(c.settings().withThreads(threads))).run(ProgressListener.NONE);
    }
}
