package dev.lofilora.model.dcae;

import dev.lofilora.nn.F;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/** diffusers {@code get_activation} for the names a DC-AE config uses. */
final class Activations {
    private Activations() {}

    static Tensor apply(String name, Tensor x) {
        return switch (name) {
            case "silu", "swish" -> F.silu(x);
            case "relu" -> F.relu(x);
            case "gelu" -> torch.gelu(x);
            default -> throw new IllegalArgumentException("activation " + name);
        };
    }
}
