package dev.lofilora.infer;

import dev.lofilora.model.umt5.Umt5TextEncoder;

/**
 * The text encoder as {@link PromptEncoder} calls it: UMT5's last hidden state [1, L, D] (float32, CPU) and mask
 * [1, L] of one prompt; with {@code ergTag} the ERG-tag states (the query projections of UMT5 blocks 8–9 × 0.01).
 * Implemented on libtorch ({@link #of}) and on the exported graph ({@code export.ort.OnnxEngine}).
 */
@FunctionalInterface
public interface PromptStates {
    Umt5TextEncoder.Encoded encode(String prompt, boolean ergTag);

    /** The libtorch encoder, the ERG-tag hooks installed for the call. */
    static PromptStates of(Umt5TextEncoder text) {
        return (prompt, ergTag) -> {
            if (!ergTag) return text.encode(java.util.List.of(prompt));
            try (ErgHooks hooks = ErgHooks.install(text.model(), ErgHooks.tagTargets(text.model()))) {
                return text.encode(java.util.List.of(prompt));
            }
        };
    }
}
