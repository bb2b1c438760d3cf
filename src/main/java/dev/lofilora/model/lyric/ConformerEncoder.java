package dev.lofilora.model.lyric;

import dev.lofilora.nn.Capture;
import dev.lofilora.nn.LayerNorm;
import dev.lofilora.nn.Module;
import dev.lofilora.nn.ModuleList;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

import java.util.Arrays;

/**
 * ACE-Step's lyric encoder: CosyVoice/WeNet {@code ConformerEncoder} with a linear input layer, espnet relative
 * positions, {@code num_blocks} pre-norm layers without macaron FFN or convolution module, and a final LayerNorm
 * (research/acestep.md §2.6). Its state-dict keys equal the checkpoint's keys under {@code lyric_encoder.}:
 * {@code embed.out.{0,1}.*}, {@code after_norm.*}, {@code encoders.{j}.{self_attn,feed_forward,norm_ff,norm_mha}.*}.
 *
 * <p>Numerics run in the dtype of the input and the parameters (fp32 or bf16). Dropout is active only in train mode
 * ({@link #train(boolean)}); in eval mode the forward is deterministic. Parameters start on the meta device; load
 * them with {@link #loadStateDict}. Not thread-safe (the position table is a per-instance cache).
 */
public final class ConformerEncoder extends Module {
    public final ConformerConfig config;
    public final LinearEmbed embed;
    public final LayerNorm afterNorm;
    public final ModuleList<ConformerEncoderLayer> encoders;

    public ConformerEncoder(ConformerConfig config) {
        this.config = config;
        this.embed = module("embed", new LinearEmbed(config.inputSize(), config.outputSize(), config.dropoutRate(),
                config.positionalDropoutRate()));
        this.afterNorm = module("after_norm", new LayerNorm(config.outputSize(), LinearEmbed.LAYER_NORM_EPS));
        this.encoders = module("encoders", new ModuleList<>());
        for (int j = 0; j < config.numBlocks(); j++) encoders.add(new ConformerEncoderLayer(config));
    }

    /**
     * Encodes embedded lyric tokens.
     *
     * @param xs      [B, N, input_size] floating point, same dtype and device as the parameters
     * @param mask    [B, N], non-zero (or true) = valid token; any dtype (int64, float, bool), any device. Padded
     *                tokens are never attended to, so they do not affect the valid outputs; a row without any valid
     *                token yields finite values (zero attention), not NaN.
     * @param capture receives {@code embed} ([B, N, d], already ×√d), {@code pos_emb} ([1, 2N−1, d]) and
     *                {@code layer{j}} (output of layer j) — may be {@link Capture#NONE} or null
     * @return [B, N, output_size] after {@code after_norm}
     */
    public Tensor forward(Tensor xs, Tensor mask, Capture capture) {
        Capture cap = capture == null ? Capture.NONE : capture;
        checkInputs(xs, mask);
        long b = xs.size(0), n = xs.size(1);
        // `pad_mask.to(torch.bool)`: any non-zero value is a valid token; the attention masks keys where it is false.
        Tensor keyPadding = mask.to(xs.device(), ScalarType.Bool).logical_not().view(b, 1, 1, n); // [B, 1, 1, N]

        EspnetRelPositionalEncoding.Encoded e = embed.forward(xs);
        Tensor x = e.x();                                                            // [B, N, d]
        Tensor posEmb = e.posEmb();                                                  // [1, 2N−1, d]
        cap.put("embed", x);
        cap.put("pos_emb", posEmb);
        for (int j = 0; j < encoders.size(); j++) {
            x = encoders.get(j).forward(x, keyPadding, posEmb);
            cap.put("layer" + j, x);
        }
        return afterNorm.forward(x);
    }

    private void checkInputs(Tensor xs, Tensor mask) {
        long[] xShape = xs.sizes().vec().get();
        if (xShape.length != 3 || xShape[2] != config.inputSize()) {
            throw new IllegalArgumentException("lyric encoder input must be [B, N, " + config.inputSize() + "], got "
                    + Arrays.toString(xShape));
        }
        if (!xs.is_floating_point()) throw new IllegalArgumentException("lyric encoder input must be floating point");
        if (xShape[1] < 1) throw new IllegalArgumentException("lyric encoder input has no tokens (N = 0)");
        long[] mShape = mask.sizes().vec().get();
        if (mShape.length != 2 || mShape[0] != xShape[0] || mShape[1] != xShape[1]) {
            throw new IllegalArgumentException("lyric mask must be [" + xShape[0] + ", " + xShape[1] + "], got "
                    + Arrays.toString(mShape));
        }
    }
}
