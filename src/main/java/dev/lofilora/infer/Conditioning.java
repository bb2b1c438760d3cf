package dev.lofilora.infer;

import org.bytedeco.pytorch.Tensor;

/**
 * The inputs of the transformer's {@code encode} for one batch (research/acestep.md §2.1, §5.1): the UMT5 states of
 * the prompt, the lyric tokens, and ACE-Step's zero speaker embedding.
 *
 * @param textStates     [B, L, text_embedding_dim] UMT5 last hidden state
 * @param textMask       [B, L] int64 (1 = token)
 * @param speakerEmbeds  [B, speaker_embedding_dim]; zeros in ACE-Step (the released model takes no speaker)
 * @param lyricIds       [B, N] int64
 * @param lyricMask      [B, N] (1 = token)
 * @param nullTextStates the ERG-tag "null" text (UMT5 with its query projections of blocks 8–9 × 0.01), or null:
 *                       the ERG-lyric null condition then uses zeros, as the original
 */
public record Conditioning(Tensor textStates, Tensor textMask, Tensor speakerEmbeds, Tensor lyricIds,
                           Tensor lyricMask, Tensor nullTextStates) {
    public Conditioning {
        if (textStates == null || textMask == null || speakerEmbeds == null || lyricIds == null || lyricMask == null) {
            throw new IllegalArgumentException("every input but nullTextStates is required");
        }
    }

    /** The batch size. */
    public long batch() { return textStates.size(0); }
}
