package dev.lofilora.lora;

import dev.lofilora.common.LofiException;
import dev.lofilora.nn.Linear;
import dev.lofilora.nn.Module;
import dev.lofilora.nn.Parameter;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.GeneratorOptional;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A LoRA adapter injected into an existing module tree by dotted name, as PEFT's {@code inject_adapter_in_model}
 * does (research/acestep.md §3.3): every {@link Linear} whose path matches a target gets a {@link LoraLinear} in its
 * adapter slot, in {@code named_modules()} order, and every other parameter is frozen. Nothing is replaced, so model
 * fields and their aliases keep working.
 *
 * <p>Adapter weights are created on the meta device (counting them allocates nothing); {@link #initialize} or
 * {@link #load} allocates them next to their base layer, in fp32 unless asked otherwise. Keys are PEFT's without
 * prefix: {@code <layer path>.lora_A.weight} [r, in], {@code <layer path>.lora_B.weight} [out, r]. Not thread-safe.
 */
public final class LoraModel implements AutoCloseable {
    private final Module root;
    private final LoraConfig config;
    private final Map<String, LoraLinear> layers;

    private LoraModel(Module root, LoraConfig config, Map<String, LoraLinear> layers) {
        this.root = root;
        this.config = config;
        this.layers = layers;
    }

    /**
     * Wraps every target Linear of {@code root} and freezes all other parameters. Throws {@link LofiException} when
     * no module matches, or when a match is not a Linear (PEFT refuses those too).
     */
    public static LoraModel inject(Module root, LoraConfig config) {
        Map<String, Linear> targets = new LinkedHashMap<>();
        List<String> unsupported = new ArrayList<>();
        for (Map.Entry<String, Module> e : root.namedModules().entrySet()) {
            if (e.getKey().isEmpty() || !config.matches(e.getKey())) continue;
            if (e.getValue() instanceof Linear l) targets.put(e.getKey(), l);
            else unsupported.add(e.getKey() + " (" + e.getValue().getClass().getSimpleName() + ")");
        }
        String what = config.targetRegex() != null ? "regex " + config.targetRegex() : "targets " + config.targetModules();
        if (!unsupported.isEmpty()) {
            throw new LofiException("LoRA " + what + " match modules that are not Linear layers: "
                    + String.join(", ", unsupported), "target only Linear layers (e.g. to_out.0, not to_out)");
        }
        if (targets.isEmpty()) {
            throw new LofiException("LoRA " + what + " match no module of the model",
                    "use module names of the model (ACE-Step's: " + LoraConfig.ACESTEP_TARGETS + ")");
        }
        root.requiresGrad(false);
        Map<String, LoraLinear> layers = new LinkedHashMap<>();
        for (Map.Entry<String, Linear> e : targets.entrySet()) {
            if (e.getValue().adapter() != null) {
                layers.values().forEach(a -> { a.base().detach(); a.close(); });
                throw new LofiException("layer " + e.getKey() + " already has an adapter", "remove the other adapter first");
            }
            LoraLinear a = new LoraLinear(e.getValue(), config.r(), config.scaling(), config.dropout());
            e.getValue().attach(a);
            a.lora_A.requiresGrad(true);
            a.lora_B.requiresGrad(true);
            layers.put(e.getKey(), a);
        }
        return new LoraModel(root, config, Collections.unmodifiableMap(layers));
    }

    public LoraConfig config() { return config; }

    /** The wrapped layers by dotted path, in {@code named_modules()} order. */
    public Map<String, LoraLinear> layers() { return layers; }

    /** The trainable parameters by PEFT key ({@code <path>.lora_A.weight}, then {@code .lora_B.weight}, per layer). */
    public Map<String, Parameter> parameters() {
        Map<String, Parameter> out = new LinkedHashMap<>();
        layers.forEach((path, a) -> {
            out.put(path + ".lora_A.weight", a.lora_A.weight);
            out.put(path + ".lora_B.weight", a.lora_B.weight);
        });
        return out;
    }

    /** Number of adapter parameters (from shapes; works before anything is allocated). */
    public long parameterCount() {
        long n = 0;
        for (Parameter p : parameters().values()) n += p.value().numel();
        return n;
    }

    /** Sets every layer's output scale (1.0 reproduces ACE-Step's pipeline loader, research §5.4). */
    public void setScaling(double s) {
        layers.values().forEach(a -> a.setScaling(s));
    }

    /** Turns every adapter off or on (the model then computes the base output). */
    public void setEnabled(boolean on) {
        layers.values().forEach(a -> a.setEnabled(on));
    }

    /**
     * PEFT's initialisation (research §3.3), in module order, from {@code seed}: per layer the two {@code nn.Linear}
     * constructors' kaiming draws (A [r, in], then B [out, r]), then A re-drawn with {@code kaiming_uniform_(a=√5)},
     * i.e. U(−1/√in, 1/√in), and B set to zeros. Drawn on the CPU in fp32 with a generator seeded like
     * {@code torch.manual_seed(seed)}, so the same seed gives PEFT's weights and the same weights on every device;
     * then placed beside each base layer in {@code dtype}.
     */
    public void initialize(long seed, ScalarType dtype) {
        initialize(seed, dtype, null);
    }

    /**
     * {@link #initialize(long, ScalarType)} with the adapter placed on {@code device} instead of beside each base layer
     * (null: beside it) — e.g. an adapter on the CPU for a base model that stays on meta (planning, benchmarks).
     */
    public void initialize(long seed, ScalarType dtype, Device on) {
        Generator gen = torch.make_generator_cpu(seed);
        try (NoGradGuard g = new NoGradGuard()) {
            for (LoraLinear a : layers.values()) {
                Device device = on != null ? on : a.base().weight.value().device();
                try (Tensor wa = torch.empty(a.lora_A.weight.shape());
                     Tensor wb = torch.empty(a.lora_B.weight.shape())) {
                    kaimingUniform(wa, gen);   // nn.Linear(in, r) constructor
                    kaimingUniform(wb, gen);   // nn.Linear(r, out) constructor
                    kaimingUniform(wa, gen);   // reset_lora_parameters: A again
                    wb.zero_();
                    set(a.lora_A, wa, device, dtype);
                    set(a.lora_B, wb, device, dtype);
                }
            }
        } finally {
            gen.close();
        }
    }

    /** {@code nn.init.kaiming_uniform_(w, a=√5)} with fan_in = w.size(1), in PEFT's double arithmetic. */
    private static void kaimingUniform(Tensor w, Generator gen) {
        double a = Math.sqrt(5.0);
        double gain = Math.sqrt(2.0 / (1 + a * a));
        double std = gain / Math.sqrt(w.size(1));
        double bound = Math.sqrt(3.0) * std;
        w.uniform_(-bound, bound, new GeneratorOptional(gen));
    }

    private static void set(Linear layer, Tensor src, Device device, ScalarType dtype) {
        layer.materialize(device, dtype);
        layer.weight.value().copy_(src);
    }

    /**
     * Copies adapter weights by PEFT key (no prefix) into the layers, allocating them beside each base layer in
     * {@code dtype}. Every key must be present with the layer's shape; the error lists missing, unexpected and
     * mis-shaped keys.
     */
    public void load(Map<String, Tensor> weights, ScalarType dtype, java.nio.file.Path source) {
        Map<String, Parameter> params = parameters();
        List<String> missing = new ArrayList<>();
        List<String> mismatched = new ArrayList<>();
        List<String> unexpected = new ArrayList<>();
        for (String k : weights.keySet()) if (!params.containsKey(k)) unexpected.add(k);
        for (Map.Entry<String, Parameter> e : params.entrySet()) {
            Tensor t = weights.get(e.getKey());
            if (t == null) missing.add(e.getKey());
            else if (!Arrays.equals(e.getValue().shape(), t.sizes().vec().get())) {
                mismatched.add(e.getKey() + ": model " + Arrays.toString(e.getValue().shape()) + " vs file "
                        + Arrays.toString(t.sizes().vec().get()));
            }
        }
        if (!missing.isEmpty() || !unexpected.isEmpty() || !mismatched.isEmpty()) {
            StringBuilder sb = new StringBuilder("the LoRA weights do not fit the model's adapter (r " + config.r() + ")");
            if (!mismatched.isEmpty()) sb.append("; shape mismatches: ").append(head(mismatched));
            if (!missing.isEmpty()) sb.append("; missing ").append(missing.size()).append(": ").append(head(missing));
            if (!unexpected.isEmpty()) sb.append("; unexpected ").append(unexpected.size()).append(": ").append(head(unexpected));
            throw new LofiException(source, sb.toString(),
                    "check that the adapter was trained for this model and with these target modules");
        }
        try (NoGradGuard g = new NoGradGuard()) {
            for (LoraLinear a : layers.values()) {
                Device device = a.base().weight.value().device();
                String path = pathOf(a);
                set(a.lora_A, weights.get(path + ".lora_A.weight"), device, dtype);
                set(a.lora_B, weights.get(path + ".lora_B.weight"), device, dtype);
            }
        }
    }

    private String pathOf(LoraLinear a) {
        for (Map.Entry<String, LoraLinear> e : layers.entrySet()) if (e.getValue() == a) return e.getKey();
        throw new IllegalStateException("adapter not in this model");
    }

    private static String head(List<String> names) {
        return names.size() <= 6 ? String.join(", ", names)
                : String.join(", ", names.subList(0, 6)) + ", … (" + (names.size() - 6) + " more)";
    }

    /** The adapter weights by PEFT key (new handles on the live tensors, detached from autograd). */
    public Map<String, Tensor> stateDict() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        parameters().forEach((k, p) -> out.put(k, p.value().detach()));
        return out;
    }

    /** The root this adapter was injected into. */
    public Module root() { return root; }

    /** Detaches every adapter from its layer and frees the adapter weights (the base stays frozen). */
    @Override
    public void close() {
        for (LoraLinear a : layers.values()) {
            a.base().detach();
            a.close();
        }
    }
}
