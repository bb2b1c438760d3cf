package dev.lofilora.model.transformer;

import dev.lofilora.nn.Module;
import dev.lofilora.nn.Parameter;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Seeded random weights for a module's state dict (tests, benchmarks, the tiny demo model), scaled like the golden
 * sets so every path contributes O(1): weights N(0, 1/fan_in), biases N(0, 0.1²), 1-D gains 1 + N(0, 0.1²),
 * {@code scale_shift_table} N(0, 1)/√dim, embeddings N(0, 1). Generated on the CPU in fp32 so the same seed gives the
 * same weights on every device. Reseeds libtorch's global CPU generator ({@code manual_seed}); each returned tensor
 * holds one extra reference: close it when done.
 */
public final class RandomWeights {
    private RandomWeights() {}

    /** A fresh CPU fp32 state dict for {@code module} (keys and shapes of {@link Module#stateDict()}). */
    public static Map<String, Tensor> stateDict(Module module, long seed) {
        torch.manual_seed(seed);
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, Parameter> e : module.stateDict().entrySet()) {
            String name = e.getKey();
            long[] shape = e.getValue().shape();
            Tensor n = torch.randn(shape);
            Tensor t;
            if (name.endsWith("scale_shift_table")) {
                t = n.div(Ops.s(Math.sqrt(shape[shape.length - 1])));
            } else if (name.endsWith("embs.weight")) {
                t = n;
            } else if (name.endsWith(".bias")) {
                t = n.mul(Ops.s(0.1));
            } else if (shape.length == 1) {
                t = n.mul(Ops.s(0.1)).add(Ops.s(1.0));
            } else {
                long fanIn = 1;
                for (int i = 1; i < shape.length; i++) fanIn *= shape[i];
                t = n.div(Ops.s(Math.sqrt(fanIn)));
            }
            t.retainReference(); // outlives any PointerScope of the caller until closed
            out.put(name, t);
        }
        return out;
    }
}
