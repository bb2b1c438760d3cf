package dev.lofilora.cache;

import dev.lofilora.common.LofiException;
import dev.lofilora.tensor.Tensors;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class TrackCacheFileTest {
    @TempDir Path dir;

    static TrackCache entry(String key, long frames, long textDim, long maxLyricId) {
        float[] lat = new float[8 * 16 * (int) frames];
        for (int i = 0; i < lat.length; i++) lat[i] = (float) Math.sin(i * 0.37);
        float[] text = new float[2 * 5 * (int) textDim];
        for (int i = 0; i < text.length; i++) text[i] = i * 0.01f;
        CacheMetadata meta = new CacheMetadata(TrackCacheFile.FORMAT_VERSION, "ab".repeat(32), 480_000L,
                List.of("lofi, chill", "chill, lofi"), "instrumental",
                Map.of("dcae", new CacheStamp("00ff", Map.of("latent_channels", 8L))));
        return new TrackCache(key, Tensors.fromFloatArray(lat, 8, 16, frames), Tensors.fromFloatArray(text, 2, 5, textDim),
                Tensors.fromLongArray(new long[]{1, 1, 1, 0, 0, 1, 1, 1, 1, 1}, 2, 5),
                Tensors.fromLongArray(new long[]{5, maxLyricId, 2}, 3), Tensors.fromLongArray(new long[]{1, 1, 1}, 3),
                Map.of(), meta);
    }

    @Test
    void roundTripKeepsEveryTensorAndTheMetadata() {
        try (TrackCache written = entry("track_a", 7, 32, 40)) {
            Path file = TrackCacheFile.write(dir, written);
            assertEquals(dir.resolve("track_a.safetensors"), file);
            try (TrackCache read = TrackCacheFile.read(file, new CacheExpectations(8, 16, 32, 50))) {
                assertEquals("track_a", read.key());
                assertEquals(7, read.frames());
                assertEquals(2, read.variants());
                assertTrue(Tensors.bitIdentical(written.latent(), read.latent()));
                assertTrue(Tensors.bitIdentical(written.textStates(), read.textStates()));
                assertTrue(Tensors.bitIdentical(written.textMask(), read.textMask()));
                assertTrue(Tensors.bitIdentical(written.lyricIds(), read.lyricIds()));
                assertEquals(written.metadata(), read.metadata());
            }
            assertEquals(480_000L, TrackCacheFile.readMetadata(file).samples48k());
        }
    }

    @Test
    void refusesAnEntryMadeForAnotherModelNamingTheFile() {
        try (TrackCache written = entry("track_b", 4, 24, 70)) {
            Path file = TrackCacheFile.write(dir, written);
            LofiException e = assertThrows(LofiException.class,
                    () -> TrackCacheFile.read(file, new CacheExpectations(8, 16, 32, 50)));
            assertTrue(e.getMessage().contains("track_b.safetensors"), e.getMessage());
            assertTrue(e.getMessage().contains("text_embedding_dim is 32"), e.getMessage());
            assertTrue(e.getMessage().contains("lyric id 70"), e.getMessage());
        }
    }

    @Test
    void refusesATruncatedFile() throws Exception {
        Path file;
        try (TrackCache written = entry("track_c", 4, 32, 3)) {
            file = TrackCacheFile.write(dir, written);
        }
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length - 17));
        LofiException e = assertThrows(LofiException.class, () -> TrackCacheFile.read(file, null));
        assertTrue(e.getMessage().contains("track_c.safetensors"), e.getMessage());
        assertTrue(e.getMessage().contains("lofi preprocess"), e.getMessage());
    }

    @Test
    void refusesAPlainSafetensorsFileWithoutCacheMetadata() {
        Path file = dir.resolve("x.safetensors");
        try (Tensor t = Tensors.fromFloatArray(new float[]{1, 2}, 2)) {
            dev.lofilora.tensor.SafetensorsWriter.write(file, Map.of("latent", t));
        }
        LofiException e = assertThrows(LofiException.class, () -> TrackCacheFile.read(file, null));
        assertTrue(e.getMessage().contains("no lofi cache metadata"), e.getMessage());
    }
}
