package dev.lofilora.train;

import dev.lofilora.cache.CacheExpectations;
import dev.lofilora.model.transformer.AceStepConfig;
import dev.lofilora.tensor.Tensors;
import org.bytedeco.javacpp.PointerScope;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

/** The seeded streaming loader: epochs cover every track once, batches are equal-length crops, positions resume. */
class BatchLoaderTest {
    @TempDir
    Path tmp;

    static final int[] FRAMES = {40, 300, 45, 520, 290, 60, 515, 70, 50, 530, 280, 55}; // buckets of 6, 3, 3

    private BatchLoader loader(Path data, int batch, long seed, DataPosition start, boolean ssl) {
        AceStepConfig c = TrainFixtures.tiny().transformerConfig();
        CacheExpectations x = new CacheExpectations(c.inChannels(), c.maxHeight(), c.textEmbeddingDim(), c.lyricEncoderVocabSize());
        return new BatchLoader(CacheIndex.scan(data, x), x, batch, 256, seed, ssl ? c.sslNames() : List.of(),
                c.speakerEmbeddingDim(), start);
    }

    @Test
    void epochsCoverEveryTrackOnceInBucketedEqualLengthBatches() {
        Path data = tmp.resolve("cache");
        CacheFixtures.write(data, TrainFixtures.tiny().transformerConfig(), 2, true, FRAMES);
        BatchLoader l = loader(data, 3, 7, DataPosition.START, true);
        assertEquals(4, l.batchesPerEpoch());
        Set<String> seen = new HashSet<>();
        List<List<String>> epoch0 = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            try (PointerScope s = new PointerScope(); TrainBatch b = l.next()) {
                epoch0.add(b.keys());
                seen.addAll(b.keys());
                long frames = b.frames();
                // Length buckets of 256 frames: a batch mixes tracks of one bucket, cropped to the shortest.
                long minFrames = Long.MAX_VALUE;
                Set<Long> buckets = new HashSet<>();
                for (String k : b.keys()) {
                    int f = FRAMES[Integer.parseInt(k.substring(6))];
                    minFrames = Math.min(minFrames, f);
                    buckets.add((long) f / 256);
                }
                assertEquals(1, buckets.size(), "one bucket per batch: " + b.keys());
                assertEquals(minFrames, frames, "cropped to the shortest, never padded");
                assertEquals(0.0, Tensors.maxAbs(b.attentionMask().sub(new org.bytedeco.pytorch.Scalar(1))), 0);
                assertEquals(3, b.ssl().get("mert").size());
                long mertLen = b.ssl().get("mert").get(0).size(0);
                assertEquals(Math.round(frames * 7 / 5.0), mertLen, 1, "SSL targets cropped in proportion");
            }
        }
        assertEquals(12, seen.size(), "every track once per epoch");
        assertEquals(new DataPosition(1, 0), l.position());
        List<List<String>> epoch1 = new ArrayList<>();
        for (int i = 0; i < 4; i++) try (PointerScope s = new PointerScope(); TrainBatch b = l.next()) { epoch1.add(b.keys()); }
        assertNotEquals(epoch0, epoch1, "a new shuffle each epoch");

        // A loader started at a saved position yields exactly the batches that followed it.
        BatchLoader resumed = loader(data, 3, 7, new DataPosition(0, 2), true);
        try (PointerScope s = new PointerScope(); TrainBatch b = resumed.next()) {
            assertEquals(epoch0.get(2), b.keys());
        }
        BatchLoader otherSeed = loader(data, 3, 8, DataPosition.START, true);
        List<List<String>> other = new ArrayList<>();
        for (int i = 0; i < 4; i++) try (PointerScope s = new PointerScope(); TrainBatch b = otherSeed.next()) { other.add(b.keys()); }
        assertNotEquals(epoch0, other, "the order depends on the seed");
    }

    @Test
    void sameSeedSamePositionSameCropsAndPromptVariants() {
        Path data = tmp.resolve("cache");
        CacheFixtures.write(data, TrainFixtures.tiny().transformerConfig(), 3, false, FRAMES);
        BatchLoader a = loader(data, 2, 5, new DataPosition(3, 1), false);
        BatchLoader b = loader(data, 2, 5, new DataPosition(3, 1), false);
        try (PointerScope s = new PointerScope(); TrainBatch x = a.next(); TrainBatch y = b.next()) {
            assertTrue(Tensors.bitIdentical(x.latents(), y.latents()));
            assertTrue(Tensors.bitIdentical(x.textStates(), y.textStates()));
            assertArrayEquals(new long[] {2, 8, 16, x.frames()}, Tensors.shape(x.latents()));
        }
    }
}
