package dev.lofilora.preprocess;

import dev.lofilora.SharedFiles;
import dev.lofilora.audio.io.WavFile;
import dev.lofilora.cache.TrackCache;
import dev.lofilora.cache.TrackCacheFile;
import dev.lofilora.common.ConfigFiles;
import dev.lofilora.common.ProgressListener;
import dev.lofilora.dataset.curate.ProcessConfig;
import dev.lofilora.dataset.curate.ProcessJob;
import dev.lofilora.dataset.curate.ProcessResult;
import dev.lofilora.dataset.curate.ProcessSettings;
import dev.lofilora.dataset.layout.DatasetConfig;
import dev.lofilora.dataset.layout.DatasetFixtures;
import dev.lofilora.dataset.layout.DatasetJob;
import dev.lofilora.model.codec.MusicDcaeConfig;
import dev.lofilora.model.tiny.TinyPreset;
import dev.lofilora.tensor.Tensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * ACE-Step's sample track (test_track_001.mp3) through process → dataset → preprocess --model tiny: the latent's T
 * equals ⌈⌈L·147/160⌉/4096⌉ for the processed WAV's 48 kHz sample count L, exactly. Its Chinese lyrics are refused
 * with a message naming the file (Chinese cleaning is not supported yet); with [instrumental] in their place the track
 * is cached.
 */
class ReferenceTrackPreprocessTest {
    @TempDir Path tmp;

    @Test
    void referenceTrackLatentLengthFollowsTheProcessedSampleCount() throws Exception {
        Path mp3 = SharedFiles.require("reference/acestep/data/test_track_001.mp3");
        Path configDir = Files.createDirectories(tmp.resolve("config"));
        Files.writeString(configDir.resolve("lofi_lora_config.json"), "{\"licenses\": {\"allowed\": [\"Apache-2.0\"]}}");
        Path metadata = tmp.resolve("metadata");
        DatasetFixtures.writeSources(metadata, List.of(
                DatasetFixtures.entry("test_track_001", "rap", null, "ACE-Step", "Apache-2.0")));
        Files.createDirectories(tmp.resolve("raw/rap"));
        Files.copy(mp3, tmp.resolve("raw/rap/test_track_001.mp3"));
        ProcessResult processed = new ProcessJob(ProcessConfig.of(tmp.resolve("raw"), tmp.resolve("processed"), metadata,
                metadata.resolve("sources.json"), ConfigFiles.in(configDir))).run(ProgressListener.NONE);
        assertTrue(processed.allAccepted(), () -> "process: " + processed.files());
        Path wav = tmp.resolve("processed/rap/test_track_001.wav");
        Files.copy(mp3.resolveSibling("test_track_001_prompt.txt"), wav.resolveSibling("test_track_001_prompt.txt"));
        Files.copy(mp3.resolveSibling("test_track_001_lyrics.txt"), wav.resolveSibling("test_track_001_lyrics.txt"));
        Path data = tmp.resolve("final");
        new DatasetJob(DatasetConfig.of(tmp.resolve("processed"), metadata, data, tmp.resolve("validation"))
                .withLicenses(ProcessSettings.load(ConfigFiles.in(configDir)).licenses()), ProgressListener.NONE).run();
        long samples = WavFile.info(data.resolve("test_track_001.wav")).frames();
        long expectedT = (((147 * samples + 159) / 160) + 4095) / 4096;          // ⌈⌈L·147/160⌉/4096⌉, written out
        Path cache = tmp.resolve("cache");
        PreprocessConfig config = PreprocessConfig.of(data, cache, TinyPreset.NAME).withMetadata(metadata).withDevice("cpu");

        // ACE-Step's own (Chinese) lyrics: refused for this track, naming its lyrics file
        TrackReport refused = new PreprocessJob(config).run(ProgressListener.NONE).tracks().get(0);
        assertEquals(TrackStatus.FAILED, refused.status());
        assertTrue(refused.message().contains("test_track_001_lyrics.txt") && refused.message().contains("Chinese"),
                refused.message());

        Files.writeString(data.resolve("test_track_001_lyrics.txt"), "[instrumental]");
        PreprocessResult r = new PreprocessJob(config).run(ProgressListener.NONE);
        TrackReport t = r.tracks().get(0);
        assertEquals(TrackStatus.ENCODED, t.status(), () -> String.valueOf(t.message()));
        assertEquals(samples, t.samples48k());
        assertEquals(expectedT, t.latentFrames());
        assertEquals(MusicDcaeConfig.latentFrames(samples), expectedT);
        try (TrackCache c = TrackCacheFile.read(TrackCacheFile.pathOf(cache, "test_track_001"), null)) {
            assertArrayEquals(new long[] {8, 16, expectedT}, Tensors.shape(c.latent()));
            assertEquals(samples, c.metadata().samples48k());
            assertEquals("instrumental", c.metadata().lyricsLanguage());
            assertEquals(List.of(Files.readString(mp3.resolveSibling("test_track_001_prompt.txt")).strip()),
                    c.metadata().prompts());
        }
    }
}
