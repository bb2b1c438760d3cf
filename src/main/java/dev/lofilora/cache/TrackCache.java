package dev.lofilora.cache;

import org.bytedeco.pytorch.Tensor;

import java.util.Map;

/**
 * One track's cached encoder outputs (DESIGN §5). Owns its tensors; {@link #close()} releases them.
 *
 * @param key         the dataset's unique key (the file is {@code <cache-dir>/<key>.safetensors})
 * @param latent      [8, 16, T] F32, the ACE-scaled DCAE latent
 * @param textStates  [V, L, D] F32, UMT5 last hidden state per prompt variant (padded to the longest)
 * @param textMask    [V, L] I64, 1 = valid token
 * @param lyricIds    [N] I64, lyric token ids as ACE-Step builds them
 * @param lyricMask   [N] I64, 1 = valid
 * @param ssl         optional REPA targets by name ({@code "mert"} [T_m, 1024], {@code "mhubert"} [T_h, 768]); may be empty
 * @param metadata    the file's metadata
 */
public record TrackCache(String key, Tensor latent, Tensor textStates, Tensor textMask, Tensor lyricIds,
                         Tensor lyricMask, Map<String, Tensor> ssl, CacheMetadata metadata) implements AutoCloseable {
    public TrackCache {
        ssl = Map.copyOf(ssl);
    }

    /** Number of latent frames T. */
    public long frames() { return latent.size(2); }

    /** Number of prompt variants V. */
    public long variants() { return textStates.size(0); }

    @Override
    public void close() {
        latent.close();
        textStates.close();
        textMask.close();
        lyricIds.close();
        lyricMask.close();
        ssl.values().forEach(Tensor::close);
    }
}
