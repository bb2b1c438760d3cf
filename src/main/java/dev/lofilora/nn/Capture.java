package dev.lofilora.nn;

import org.bytedeco.pytorch.Tensor;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A sink for named intermediate tensors (conformance checks, debugging). Forward passes take one and call
 * {@link #put} at the points the reference exposes; {@link #NONE} costs one interface call and keeps nothing.
 */
public interface Capture {
    /** Records {@code t} under {@code name}; implementations keep their own handle (the caller may close {@code t}). */
    void put(String name, Tensor t);

    /** Whether anything is recorded (lets callers skip building a tensor only needed for capture). */
    default boolean active() { return true; }

    /** A view that prefixes every name with {@code prefix + "."}. */
    default Capture scoped(String prefix) {
        Capture parent = this;
        if (!active()) return this;
        return new Capture() {
            @Override public void put(String name, Tensor t) { parent.put(prefix + "." + name, t); }
        };
    }

    Capture NONE = new Capture() {
        @Override public void put(String name, Tensor t) {}
        @Override public boolean active() { return false; }
    };

    /** Keeps every tensor (detached handles) in insertion order. */
    final class Recorder implements Capture {
        private final Map<String, Tensor> tensors = new LinkedHashMap<>();

        @Override
        public void put(String name, Tensor t) { tensors.put(name, t.detach()); }

        public Map<String, Tensor> tensors() { return tensors; }
    }
}
