package dev.lofilora.model.tiny;

import dev.lofilora.nn.Module;
import dev.lofilora.nn.Parameter;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Seeded random weights for the frozen components of the tiny preset, drawn the way the codecs golden sets were
 * (golden codecs README, "Random weights"), so signals stay O(1) through every layer: conv/linear weights and
 * {@code weight_v} N(0, 1/fan_in); biases N(0, 0.05²); 1-D gains and ConvNeXt {@code gamma} 1 + 0.1·N; weight-norm
 * {@code weight_g} (1 + 0.1·N)·gain with gain 2 on the HiFi-GAN upsamplers and 0.25 on its post conv; embeddings
 * (UMT5 {@code shared}, relative-position tables) N(0, 1). Parameters only: buffers (mel filterbank, window,
 * resampler kernel) keep the values the modules compute. Generated on the CPU in fp32 from libtorch's global
 * generator ({@code manual_seed}), so one seed gives the same weights on every device.
 */
public final class SeededWeights {
    private SeededWeights() {}

    /** Draws every parameter of {@code module} and loads them on {@code device} in float32 (eval mode). */
    public static void fill(Module module, long seed, Device device) {
        // no PointerScope here: the parameters allocated by the load must outlive this call
        Map<String, Tensor> weights = new LinkedHashMap<>();
        try {
            torch.manual_seed(seed);
            for (Map.Entry<String, Parameter> e : module.namedParameters().entrySet()) {
                try (PointerScope scope = new PointerScope()) {
                    Tensor t = draw(e.getKey(), e.getValue().shape());
                    t.retainReference(); // outlives the per-draw scope until closed below
                    weights.put(e.getKey(), t);
                }
            }
            module.loadStateDict(weights.keySet(), k -> new Tensor(weights.get(k)), device, ScalarType.Float, false);
        } finally {
            weights.values().forEach(Tensor::close);
        }
        module.to(device, ScalarType.Float);
        module.train(false);
    }

    private static Tensor draw(String name, long[] shape) {
        Tensor n = torch.randn(shape);
        if (name.endsWith("weight_g")) {
            double gain = name.startsWith("head.ups.") || name.contains(".head.ups.") ? 2.0
                    : name.endsWith("conv_post.weight_g") ? 0.25 : 1.0;
            return n.mul(new Scalar(0.1)).add(new Scalar(1.0)).mul(new Scalar(gain));
        }
        if (name.endsWith(".bias") || name.equals("bias")) return n.mul(new Scalar(0.05));
        if (name.endsWith("gamma") || shape.length == 1) return n.mul(new Scalar(0.1)).add(new Scalar(1.0));
        if (name.endsWith("shared.weight") || name.endsWith("relative_attention_bias.weight")) return n;
        long fanIn = 1;
        for (int i = 1; i < shape.length; i++) fanIn *= shape[i];
        return n.div(new Scalar(Math.sqrt(fanIn)));
    }
}
