package dev.lofilora.infer;

import dev.lofilora.model.tokenizer.LyricTokenizer;
import dev.lofilora.model.transformer.AceStepConfig;
import dev.lofilora.model.umt5.Umt5TextEncoder;
import dev.lofilora.tensor.Tensors;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.util.Arrays;

/**
 * The conditions of ACE-Step's {@code __call__} for one prompt (pipeline_ace_step.py at d612523, research/acestep.md
 * §5.1 steps 2–4), repeated over the batch:
 * <ul>
 *   <li>text: UMT5's last hidden state of the prompt and its mask ({@code get_text_embeddings});</li>
 *   <li>ERG-tag: the same prompt encoded again with UMT5 blocks 8–9's query projections × 0.01
 *       ({@code get_text_embeddings_null}) — the null text of the ERG-lyric unconditional branch;</li>
 *   <li>speaker: zeros (the released model takes none);</li>
 *   <li>lyrics: {@code [START]}, per line the tokens and {@code [SPACE]}; no lyrics at all is the single id 0 with
 *       mask 0.</li>
 * </ul>
 */
public final class PromptEncoder {
    private PromptEncoder() {}

    /**
     * @param config the transformer's config (speaker width)
     * @param batch  items generated together from this prompt
     * @param ergTag also encode the ERG-tag null text
     */
    public static Conditioning encode(Umt5TextEncoder text, LyricTokenizer lyricTokenizer, AceStepConfig config,
                                      String prompt, String lyrics, int batch, boolean ergTag) {
        return encode(PromptStates.of(text), lyricTokenizer, config, prompt, lyrics, batch, ergTag);
    }

    /** As above, with the text encoder behind {@link PromptStates} (libtorch or ONNX Runtime). */
    public static Conditioning encode(PromptStates text, LyricTokenizer lyricTokenizer, AceStepConfig config,
                                      String prompt, String lyrics, int batch, boolean ergTag) {
        Tensor states;
        Tensor mask;
        Tensor nullStates = null;
        try (Umt5TextEncoder.Encoded e = text.encode(prompt, false)) {
            states = e.hiddenStates().repeat(batch, 1, 1);                              // [B, L, D]
            mask = e.mask().repeat(batch, 1);                                            // [B, L]
        }
        if (ergTag) {
            try (Umt5TextEncoder.Encoded e = text.encode(prompt, true)) {
                nullStates = e.hiddenStates().repeat(batch, 1, 1);
            }
        }
        Tensor speaker = torch.zeros(batch, config.speakerEmbeddingDim());             // [B, 512]
        long[] ids;
        long[] lyricMask;
        if (lyrics == null || lyrics.isEmpty()) {
            ids = new long[] {0};
            lyricMask = new long[] {0};
        } else {
            ids = lyricTokenizer.encodeForInference(lyrics);
            lyricMask = new long[ids.length];
            Arrays.fill(lyricMask, 1L);
        }
        Tensor lyricIds = Tensors.fromLongArray(ids, 1, ids.length).repeat(batch, 1);     // [B, N]
        Tensor lyricMaskT = Tensors.fromLongArray(lyricMask, 1, lyricMask.length).repeat(batch, 1);
        return new Conditioning(states, mask, speaker, lyricIds, lyricMaskT, nullStates);
    }
}
