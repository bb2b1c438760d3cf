package dev.lofilora.model.vocoder;

import dev.lofilora.nn.F;
import dev.lofilora.nn.Module;
import dev.lofilora.nn.ModuleList;
import dev.lofilora.nn.Scoped;
import dev.lofilora.nn.WeightNormConv1d;
import org.bytedeco.pytorch.Tensor;

import java.util.List;

/**
 * HiFi-GAN's {@code ResBlock1}: three rounds of {@code x += c2(silu(c1(silu(x))))}, {@code c1} dilated
 * (padding (k·d − d)/2), {@code c2} not; every conv weight-normed.
 */
public final class ResBlock1 extends Module {
    public final ModuleList<WeightNormConv1d> convs1;
    public final ModuleList<WeightNormConv1d> convs2;

    public ResBlock1(int channels, int kernel, List<Integer> dilations) {
        convs1 = module("convs1", new ModuleList<>());
        convs2 = module("convs2", new ModuleList<>());
        for (int d : dilations) {
            convs1.add(new WeightNormConv1d(channels, channels, kernel, 1, (kernel * d - d) / 2, d, true));
            convs2.add(new WeightNormConv1d(channels, channels, kernel, 1, (kernel - 1) / 2, 1, true));
        }
    }

    /** x [B, C, T] → [B, C, T]. */
    public Tensor forward(Tensor x) {
        for (int i = 0; i < convs1.size(); i++) {
            WeightNormConv1d c1 = convs1.get(i);
            WeightNormConv1d c2 = convs2.get(i);
            Tensor in = x;
            x = Scoped.run(() -> c2.forward(F.silu(c1.forward(F.silu(in)))).add(in));
        }
        return x;
    }
}
