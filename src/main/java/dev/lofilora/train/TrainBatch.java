package dev.lofilora.train;

import org.bytedeco.pytorch.Tensor;

import java.util.List;
import java.util.Map;

/**
 * One (micro-)batch of training inputs, named like the transformer's {@code forward} arguments. Latents have equal
 * lengths within a batch (crops from one length bucket, never padding, DESIGN §5); text and lyrics are padded and
 * masked. Owns its tensors; {@link #close()} releases them.
 *
 * @param keys          the cache keys of the items, in batch order
 * @param latents       x0 [B, C, H, T] fp32
 * @param attentionMask [B, T] fp32 (ones for training batches; golden folders pad)
 * @param textStates    [B, L, text_dim] fp32
 * @param textMask      [B, L] int64
 * @param speaker       [B, speaker_dim] fp32 (zeros, as ACE-Step's dataset)
 * @param lyricIds      [B, N] int64
 * @param lyricMask     [B, N] int64
 * @param ssl           REPA targets per head name (the model's {@code ssl_names}), one [T_i, dim] tensor per item;
 *                      empty when the cache holds none
 */
public record TrainBatch(List<String> keys, Tensor latents, Tensor attentionMask, Tensor textStates, Tensor textMask,
                         Tensor speaker, Tensor lyricIds, Tensor lyricMask, Map<String, List<Tensor>> ssl)
        implements AutoCloseable {
    public TrainBatch {
        keys = List.copyOf(keys);
        ssl = Map.copyOf(ssl);
    }

    public long size() { return latents.size(0); }

    public long frames() { return latents.size(3); }

    /** Whether REPA targets are present for every head of {@code heads}. */
    public boolean hasSsl(List<String> heads) {
        return !heads.isEmpty() && heads.stream().allMatch(ssl::containsKey);
    }

    /** The batch on {@code device} (the same handles when it is already there). */
    public TrainBatch to(org.bytedeco.pytorch.Device device) {
        Map<String, List<Tensor>> s = new java.util.LinkedHashMap<>();
        ssl.forEach((k, v) -> s.put(k, v.stream().map(t -> on(t, device)).toList()));
        return new TrainBatch(keys, on(latents, device), on(attentionMask, device), on(textStates, device),
                on(textMask, device), on(speaker, device), on(lyricIds, device), on(lyricMask, device), s);
    }

    private static Tensor on(Tensor t, org.bytedeco.pytorch.Device device) {
        return t.to(device, t.scalar_type());
    }

    @Override
    public void close() {
        for (Tensor t : new Tensor[] {latents, attentionMask, textStates, textMask, speaker, lyricIds, lyricMask}) t.close();
        ssl.values().forEach(l -> l.forEach(Tensor::close));
    }
}
