package dev.lofilora.nn;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;

import java.util.function.Supplier;

/**
 * Runs a computation in its own {@link PointerScope} so its temporaries are freed on return, while the result moves
 * to the caller's scope (or, without one, is owned by the caller). The same contract as the transformer's
 * {@code Ops.scoped}, public for the other model packages.
 */
public final class Scopes {
    private Scopes() {}

    /** {@code body}'s result, every other tensor it created freed. */
    public static Tensor keep(Supplier<Tensor> body) {
        Tensor out;
        try (PointerScope scope = new PointerScope()) {
            out = body.get();
            out.retainReference(); // survives this scope's release
        }
        return handOver(out);
    }

    /** Several results of one scoped computation (e.g. a front end's stages). */
    public static Tensor[] keepAll(Supplier<Tensor[]> body) {
        Tensor[] out;
        try (PointerScope scope = new PointerScope()) {
            out = body.get();
            for (Tensor t : out) t.retainReference();
        }
        for (int i = 0; i < out.length; i++) out[i] = handOver(out[i]);
        return out;
    }

    private static Tensor handOver(Tensor out) {
        PointerScope outer = PointerScope.getInnerScope();
        if (outer != null) {
            outer.attach(out);
            out.releaseReference(); // now owned by the outer scope only
        }
        return out;
    }
}
