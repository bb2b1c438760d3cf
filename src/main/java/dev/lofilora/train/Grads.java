package dev.lofilora.train;

import dev.lofilora.nn.Parameter;
import org.bytedeco.pytorch.Tensor;

import java.util.Collection;

/** Gradient bookkeeping over parameter slots. */
public final class Grads {
    private Grads() {}

    /** Drops every gradient (Python's {@code zero_grad(set_to_none=True)}): the next backward writes fresh ones. */
    public static void clear(Collection<Parameter> params) {
        for (Parameter p : params) {
            Tensor g = p.value().grad();
            if (g.defined()) p.value().mutable_grad().put(new Tensor());
        }
    }

    /** The gradient of {@code p}, or null when backward did not reach it. */
    public static Tensor of(Parameter p) {
        Tensor g = p.value().grad();
        return g.defined() ? g : null;
    }
}
