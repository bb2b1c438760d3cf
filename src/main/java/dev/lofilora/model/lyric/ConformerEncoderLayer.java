package dev.lofilora.model.lyric;

import dev.lofilora.nn.BatchDropout;
import dev.lofilora.nn.LayerNorm;
import dev.lofilora.nn.Module;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * One pre-norm encoder layer as ACE-Step configures it (no macaron FFN, no convolution module, ff_scale 1):
 * {@code x += Dropout(MHA(norm_mha(x)))}, then {@code x += Dropout(FFN(norm_ff(x)))}. Keys: {@code self_attn.*},
 * {@code feed_forward.*}, {@code norm_ff.*}, {@code norm_mha.*} (registration order of the reference).
 */
public final class ConformerEncoderLayer extends Module {
    public final RelPositionMultiHeadedAttention selfAttn;
    public final PositionwiseFeedForward feedForward;
    public final LayerNorm normFf;
    public final LayerNorm normMha;
    private final double dropoutRate;

    public ConformerEncoderLayer(ConformerConfig c) {
        this.selfAttn = module("self_attn",
                new RelPositionMultiHeadedAttention(c.attentionHeads(), c.outputSize(), c.attentionDropoutRate()));
        this.feedForward = module("feed_forward",
                new PositionwiseFeedForward(c.outputSize(), c.linearUnits(), c.dropoutRate()));
        this.normFf = module("norm_ff", new LayerNorm(c.outputSize(), LinearEmbed.LAYER_NORM_EPS));
        this.normMha = module("norm_mha", new LayerNorm(c.outputSize(), LinearEmbed.LAYER_NORM_EPS));
        this.dropoutRate = c.dropoutRate();
    }

    /** x [B, N, d], keyPadding bool [B, 1, 1, N] (true = padding), posEmb [1, 2N−1, d] → [B, N, d]. */
    public Tensor forward(Tensor x, Tensor keyPadding, Tensor posEmb) {
        Tensor att = selfAttn.forward(normMha.forward(x), keyPadding, posEmb);
        x = x.add(BatchDropout.apply(att, dropoutRate, isTraining()));
        Tensor ff = feedForward.forward(normFf.forward(x));
        // The reference multiplies by ff_scale = 1.0 here (no macaron); ×1.0 is exact, so it is left out.
        return x.add(BatchDropout.apply(ff, dropoutRate, isTraining()));
    }
}
