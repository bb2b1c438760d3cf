package dev.lofilora.nn;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;

import java.util.function.Supplier;

/**
 * Runs a piece of a forward pass in its own {@link PointerScope}, so the temporaries it creates are freed as soon as
 * it returns (long audio through a vocoder would otherwise keep every intermediate alive until the caller's scope
 * closes). The result moves to the caller's scope, or without one is owned by the caller.
 */
public final class Scoped {
    private Scoped() {}

    public static Tensor run(Supplier<Tensor> body) {
        Tensor out;
        try (PointerScope scope = new PointerScope()) {
            out = body.get();
            out.retainReference(); // survives this scope's release
        }
        PointerScope outer = PointerScope.getInnerScope();
        if (outer != null) {
            outer.attach(out);
            out.releaseReference(); // now owned by the outer scope only
        }
        return out;
    }
}
