package dev.lofilora.nn;

import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * Rounds a module's floating parameters and buffers (non-persistent ones included) to bfloat16 and back, in place.
 * ACE-Step's trainer loads its frozen components in bf16 and then calls {@code .float()} on them, so they run in fp32
 * with bf16-rounded weights and buffers (research/acestep.md §3.4, DESIGN §3.4); this reproduces that for released
 * weights. Conformance against the goldens runs without it.
 */
public final class Bf16Rounding {
    private Bf16Rounding() {}

    /** Rounds every floating tensor of {@code module}'s tree; returns how many tensors were rounded. */
    public static int apply(Module module) {
        int n = 0;
        try (NoGradGuard g = new NoGradGuard()) {
            java.util.Set<Parameter> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
            java.util.List<Parameter> slots = new java.util.ArrayList<>(module.namedParameters().values());
            slots.addAll(module.namedBuffers(false).values());
            for (Parameter p : slots) {
                Tensor t = p.value();
                if (!seen.add(p) || !t.is_floating_point() || t.is_meta()) continue;
                if (t.scalar_type().value == ScalarType.BFloat16.value) continue;
                try (Tensor rounded = t.to(ScalarType.BFloat16)) {
                    t.copy_(rounded);
                }
                n++;
            }
        }
        return n;
    }
}
