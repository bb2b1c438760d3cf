package dev.lofilora.train;

import dev.lofilora.cache.CacheMetadata;
import dev.lofilora.cache.CacheStamp;
import dev.lofilora.cache.TrackCache;
import dev.lofilora.cache.TrackCacheFile;
import dev.lofilora.model.transformer.AceStepConfig;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Per-track caches for a model config, written with {@link TrackCacheFile#write} as lofi preprocess will. */
final class CacheFixtures {
    private CacheFixtures() {}

    private static List<String> prompts(int variants, int track) {
        List<String> out = new ArrayList<>();
        for (int v = 0; v < variants; v++) out.add("lofi, chill, piano " + v + " " + track);
        return out;
    }

    /** Rewrites a cache with NaN in its latent (a damaged encoder output that still parses). */
    static void writeNaN(Path file) {
        try (TrackCache c = TrackCacheFile.read(file, null)) {
            Tensor bad = c.latent().clone();
            bad.fill_(new Scalar(Double.NaN));
            try (TrackCache n = new TrackCache(c.key(), bad, c.textStates().clone(), c.textMask().clone(),
                    c.lyricIds().clone(), c.lyricMask().clone(), Map.of(), c.metadata())) {
                TrackCacheFile.write(file.getParent(), n);
            }
        }
    }

    /** {@code frames.length} tracks named track_00…, seeded; two prompt variants; SSL features when asked. */
    static List<Path> write(Path dir, AceStepConfig c, long seed, boolean ssl, int... frames) {
        return writeVariants(dir, c, seed, ssl, 2, frames);
    }

    /** As {@link #write(Path, AceStepConfig, long, boolean, int...)} with {@code variants} prompt variants. */
    static List<Path> writeVariants(Path dir, AceStepConfig c, long seed, boolean ssl, int variants, int... frames) {
        List<Path> out = new ArrayList<>();
        for (int i = 0; i < frames.length; i++) {
            torch.manual_seed(seed * 1000 + i);
            int t = frames[i];
            int l = 4 + i % 3, n = 3 + i % 4;
            Tensor latent = torch.randn(c.inChannels(), c.maxHeight(), t).mul(new Scalar(0.8));
            Tensor text = torch.randn(variants, l, c.textEmbeddingDim());
            Tensor textMask = torch.ones(variants, l).to(ScalarType.Long);
            Tensor lyrics = torch.randint(1, c.lyricEncoderVocabSize(), new long[] {n});
            Tensor lyricMask = torch.ones(n).to(ScalarType.Long);
            Map<String, Tensor> features = new LinkedHashMap<>();
            if (ssl) {
                for (int k = 0; k < c.sslNames().size(); k++) {
                    features.put(CacheIndex.cacheSslName(c.sslNames().get(k)),
                            torch.randn(t * (7 + k) / 5, c.sslLatentDims().get(k)));
                }
            }
            CacheMetadata meta = new CacheMetadata(TrackCacheFile.FORMAT_VERSION, String.format("%064x", i),
                    (long) t * 4457, prompts(variants, i), "instrumental",
                    Map.of("dcae", new CacheStamp("tiny", Map.of("latent_channels", (long) c.inChannels()))));
            try (TrackCache e = new TrackCache(String.format("track_%02d", i), latent, text, textMask, lyrics,
                    lyricMask, features, meta)) {
                out.add(TrackCacheFile.write(dir, e));
            }
        }
        return out;
    }
}
