package dev.lofilora.preprocess;

import dev.lofilora.cache.CacheExpectations;
import dev.lofilora.cache.TrackCache;
import dev.lofilora.cache.TrackCacheFile;
import dev.lofilora.common.ConfigFiles;
import dev.lofilora.common.Json;
import dev.lofilora.common.LofiException;
import dev.lofilora.common.ProgressListener;
import dev.lofilora.model.codec.MusicDcaeConfig;
import dev.lofilora.model.tiny.TinyPreset;
import dev.lofilora.model.tokenizer.LyricTokenizer;
import dev.lofilora.model.transformer.AceStepConfig;
import dev.lofilora.tensor.Tensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@code preprocess --model tiny} on a synthesised dataset folder: the cache entries, ACE-Step's audio rules (3-s pad,
 * 95 %-silence drop), per-track failures (missing lyrics file, unsupported lyrics, a cache of another model), resume.
 */
class PreprocessJobTest {
    @TempDir Path tmp;

    @Test
    void encodesEveryTrackReportsEachProblemAndResumes() throws Exception {
        Path data = tmp.resolve("final");
        Path meta = Files.createDirectories(tmp.resolve("metadata"));
        Path cache = tmp.resolve("cache");
        PreprocessFixtures.track(data, "good", 4.0, false, "lofi hip hop, chill, rhodes", "[instrumental]\n");
        PreprocessFixtures.track(data, "short", 1.5, false, "jazzhop, piano", "[Verse]\nrain on the window");
        PreprocessFixtures.track(data, "silent", 4.0, true, "ambient", "[instrumental]");
        PreprocessFixtures.track(data, "nolyrics", 3.0, false, "chill", null);
        PreprocessFixtures.track(data, "chinese", 3.0, false, "rap", "[Intro]\n我们一起走");
        PreprocessFixtures.track(data, "foreign", 3.0, false, "lofi", "[inst]");
        PreprocessFixtures.foreignCache(cache, "foreign");
        Json.write(meta.resolve("prompt_variants.json"), Map.of("seed", 7, "variants_per_track", 2, "tracks", Map.of(
                "good", Map.of("prompt", "lofi hip hop, chill, rhodes",
                        "variants", List.of("lofi hip hop, rhodes", "lofi hip hop, chill, rhodes")))));
        PreprocessConfig config = PreprocessConfig.of(data, cache, TinyPreset.NAME).withMetadata(meta).withDevice("cpu");

        PreprocessResult r = new PreprocessJob(config).run(ProgressListener.NONE);
        Map<String, TrackReport> byKey = byKey(r);
        assertEquals(List.of("chinese", "foreign", "good", "nolyrics", "short", "silent"), List.copyOf(byKey.keySet()));
        assertEquals(new PreprocessResult.Totals(6, 2, 0, 1, 3), r.totals());
        assertFalse(r.allCached());

        TrackReport good = byKey.get("good");
        assertEquals(TrackStatus.ENCODED, good.status());
        assertEquals(4 * 48000L, good.samples48k());
        assertEquals(MusicDcaeConfig.latentFrames(4 * 48000L), good.latentFrames());
        assertEquals(2, good.variants(), "the prompt plus its one distinct variant");
        TrackReport shortTrack = byKey.get("short");
        assertEquals(TrackStatus.ENCODED, shortTrack.status());
        assertEquals(MusicDcaeConfig.latentFrames(3 * 48000L), shortTrack.latentFrames(), "padded to 3 s, as ACE-Step");
        assertTrue(shortTrack.notes().get(0).contains("padded"), shortTrack.notes().toString());
        assertEquals(TrackStatus.DROPPED, byKey.get("silent").status());
        assertTrue(byKey.get("silent").message().contains("100.0 % of its samples are silent"), byKey.get("silent").message());
        assertTrue(byKey.get("nolyrics").message().contains("nolyrics_lyrics.txt: is missing"), byKey.get("nolyrics").message());
        assertTrue(byKey.get("chinese").message().contains("chinese_lyrics.txt") && byKey.get("chinese").message()
                .contains("Chinese"), byKey.get("chinese").message());
        assertTrue(byKey.get("foreign").message().contains("other encoders") && byKey.get("foreign").message()
                .contains("d_model=768"), byKey.get("foreign").message());
        assertFalse(Files.exists(TrackCacheFile.pathOf(cache, "silent")));

        // the entry is what lofi train reads for the tiny transformer
        TinyPreset preset = TinyPreset.load(ConfigFiles.defaults());
        AceStepConfig t = preset.transformerConfig();
        CacheExpectations expect = new CacheExpectations(t.inChannels(), t.maxHeight(), t.textEmbeddingDim(),
                t.lyricEncoderVocabSize());
        try (TrackCache c = TrackCacheFile.read(TrackCacheFile.pathOf(cache, "good"), expect);
             LyricTokenizer lyrics = preset.lyricTokenizer()) {
            assertArrayEquals(new long[] {8, 16, good.latentFrames()}, Tensors.shape(c.latent()));
            assertEquals(2, c.variants());
            assertEquals(32, c.textStates().size(2));
            assertEquals(List.of("lofi hip hop, chill, rhodes", "lofi hip hop, rhodes"), c.metadata().prompts());
            assertArrayEquals(lyrics.encode("[instrumental]\n").ids(), Tensors.toLongArray(c.lyricIds()));
            assertEquals("instrumental", c.metadata().lyricsLanguage());
            assertEquals(PreprocessJob.sha256(data.resolve("good.wav")), c.metadata().sourceSha256());
            assertEquals(32L, c.metadata().encoders().get("text_encoder").dims().get("d_model"));
            assertEquals(512L, c.metadata().encoders().get("lyric_tokenizer").dims().get("vocab_size"));
        }
        // ... and lofi train's reader refuses the foreign entry for the tiny model, naming the file
        LofiException e = assertThrows(LofiException.class,
                () -> TrackCacheFile.read(TrackCacheFile.pathOf(cache, "foreign"), expect).close());
        assertTrue(e.getMessage().contains("foreign.safetensors") && e.getMessage().contains("another model"));

        // resume: nothing changed → skipped; an edited prompt → encoded again; --force replaces the foreign entry
        PreprocessResult again = new PreprocessJob(config).run(ProgressListener.NONE);
        assertEquals(TrackStatus.UNCHANGED, byKey(again).get("good").status());
        assertEquals(TrackStatus.UNCHANGED, byKey(again).get("short").status());
        assertEquals(TrackStatus.FAILED, byKey(again).get("foreign").status(), "still refused without --force");
        Files.writeString(data.resolve("good_prompt.txt"), "lofi hip hop, chill, rhodes, vinyl crackle");
        PreprocessResult edited = new PreprocessJob(config).run(ProgressListener.NONE);
        assertEquals(TrackStatus.ENCODED, byKey(edited).get("good").status());
        assertEquals(TrackStatus.UNCHANGED, byKey(edited).get("short").status());
        assertEquals(3, TrackCacheFile.readMetadata(TrackCacheFile.pathOf(cache, "good")).prompts().size());
        PreprocessResult forced = new PreprocessJob(config.withForce(true)).run(ProgressListener.NONE);
        assertEquals(TrackStatus.ENCODED, byKey(forced).get("foreign").status());
        assertEquals(32L, TrackCacheFile.readMetadata(TrackCacheFile.pathOf(cache, "foreign")).encoders()
                .get("text_encoder").dims().get("d_model"));
    }

    @Test
    void aFolderWithoutAudioOrAMissingModelStopsTheRun() throws Exception {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        LofiException e = assertThrows(LofiException.class, () -> new PreprocessJob(
                PreprocessConfig.of(empty, tmp.resolve("c"), "tiny")).run(ProgressListener.NONE));
        assertTrue(e.getMessage().contains("holds no audio files"), e.getMessage());
        PreprocessFixtures.track(empty, "a", 3.0, false, "lofi", "[inst]");
        e = assertThrows(LofiException.class, () -> new PreprocessJob(
                PreprocessConfig.of(empty, tmp.resolve("c"), tmp.resolve("no-such-checkpoint").toString()))
                .run(ProgressListener.NONE));
        assertTrue(e.getMessage().contains("no-such-checkpoint") && e.getMessage().contains("does not exist"), e.getMessage());
    }

    private static Map<String, TrackReport> byKey(PreprocessResult r) {
        Map<String, TrackReport> m = new TreeMap<>();
        for (TrackReport t : r.tracks()) m.put(t.key(), t);
        return m;
    }
}
