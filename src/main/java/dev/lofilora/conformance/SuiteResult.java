package dev.lofilora.conformance;

import org.bytedeco.pytorch.Tensor;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a suite computed for one golden folder: tensors per group (expected file name without {@code .safetensors})
 * and key, in insertion order, and the expected keys it skipped on purpose with a reason each. Build it with
 * {@link #builder()}.
 */
public final class SuiteResult {
    /** An expected tensor the suite deliberately did not compute. */
    public record Skip(String group, String key, String reason) {}

    private final Map<String, Map<String, Tensor>> computed;
    private final List<Skip> skipped;

    private SuiteResult(Map<String, Map<String, Tensor>> computed, List<Skip> skipped) {
        this.computed = computed;
        this.skipped = skipped;
    }

    /** group → key → computed tensor (unmodifiable). */
    public Map<String, Map<String, Tensor>> computed() { return computed; }

    /** The deliberate skips (unmodifiable). */
    public List<Skip> skipped() { return skipped; }

    /** The computed tensor, or null. */
    public Tensor get(String group, String key) {
        Map<String, Tensor> g = computed.get(group);
        return g == null ? null : g.get(key);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Collects computed tensors and skips; {@link #put} replaces an earlier tensor of the same group and key. */
    public static final class Builder {
        private final Map<String, Map<String, Tensor>> computed = new LinkedHashMap<>();
        private final List<Skip> skipped = new ArrayList<>();

        private Builder() {}

        public Builder put(String group, String key, Tensor tensor) {
            if (tensor == null) throw new IllegalArgumentException("null tensor for " + group + "/" + key);
            computed.computeIfAbsent(group, g -> new LinkedHashMap<>()).put(key, tensor);
            return this;
        }

        /** Adds every entry of {@code tensors} to {@code group}. */
        public Builder putAll(String group, Map<String, Tensor> tensors) {
            tensors.forEach((k, t) -> put(group, k, t));
            return this;
        }

        public Builder skip(String group, String key, String reason) {
            skipped.add(new Skip(group, key, reason));
            return this;
        }

        public SuiteResult build() {
            Map<String, Map<String, Tensor>> copy = new LinkedHashMap<>();
            computed.forEach((g, m) -> copy.put(g, Collections.unmodifiableMap(new LinkedHashMap<>(m))));
            return new SuiteResult(Collections.unmodifiableMap(copy), List.copyOf(skipped));
        }
    }
}
