package dev.lofilora.model.lyric;

import dev.lofilora.nn.BatchDropout;
import dev.lofilora.nn.LayerNorm;
import dev.lofilora.nn.Linear;
import dev.lofilora.nn.Module;
import dev.lofilora.nn.ModuleList;
import dev.lofilora.nn.NoParams;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * The encoder's input layer without subsampling: {@code out} = Sequential(Linear(in, d), LayerNorm(d, eps 1e-5),
 * Dropout) and then {@link EspnetRelPositionalEncoding} ({@code pos_enc}). Keys: {@code out.0.weight/bias},
 * {@code out.1.weight/bias}.
 */
public final class LinearEmbed extends Module {
    static final double LAYER_NORM_EPS = 1e-5;

    public final ModuleList<Module> out;
    public final Linear linear;
    public final LayerNorm norm;
    public final EspnetRelPositionalEncoding posEnc;
    private final double dropoutRate;

    public LinearEmbed(int inputSize, int outputSize, double dropoutRate, double positionalDropoutRate) {
        this.linear = new Linear(inputSize, outputSize, true);
        this.norm = new LayerNorm(outputSize, LAYER_NORM_EPS);
        this.out = module("out", ModuleList.of(linear, norm, new NoParams("dropout")));
        this.posEnc = module("pos_enc", new EspnetRelPositionalEncoding(outputSize, positionalDropoutRate));
        this.dropoutRate = dropoutRate;
    }

    /** x [B, N, in] → (x' [B, N, d] already ×√d, pos_emb [1, 2N−1, d]). */
    public EspnetRelPositionalEncoding.Encoded forward(Tensor x) {
        Tensor h = BatchDropout.apply(norm.forward(linear.forward(x)), dropoutRate, isTraining()); // [B, N, d]
        return posEnc.forward(h);
    }
}
