package dev.lofilora.lora;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lofilora.common.Json;
import dev.lofilora.common.LofiException;
import dev.lofilora.tensor.SafetensorsException;
import dev.lofilora.tensor.SafetensorsFile;
import dev.lofilora.tensor.SafetensorsWriter;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * LoRA adapter files (DESIGN §3.8, research/acestep.md §3.10 and §5.4).
 * <ul>
 *   <li>{@link #writePeft}: a training checkpoint's {@code adapter_model.safetensors} (raw A/B, F32, keys
 *       {@code <path>.lora_A.weight} without prefix) + {@code adapter_config.json};</li>
 *   <li>{@link #export}: {@code pytorch_lora_weights.safetensors} for ACE-Step's own {@code load_lora}, which ignores
 *       alpha and metadata and applies scale {@code lora_weight}: the training scale is multiplied into
 *       {@code lora_B}, {@code lofi.scale_baked} records it, and the {@code lora_adapter_metadata} says
 *       {@code lora_alpha = r}, no rsLoRA, so a metadata-reading loader applies 1.0 too;</li>
 *   <li>{@link #read}: any of PEFT (with or without the {@code base_model.model.} prefix), ACE-Step/diffusers, or our
 *       export, with the scale each implies — never applying a scale twice.</li>
 * </ul>
 * Writes are atomic (temporary file renamed into place).
 */
public final class AdapterFiles {
    public static final String PEFT_WEIGHTS = "adapter_model.safetensors";
    public static final String PEFT_CONFIG = "adapter_config.json";
    public static final String ACESTEP_WEIGHTS = "pytorch_lora_weights.safetensors";
    /** Metadata key of our export: the scale multiplied into lora_B (a decimal string). */
    public static final String SCALE_BAKED = "lofi.scale_baked";
    /** Metadata key diffusers ≥ 0.34 writes: the LoraConfig as JSON. */
    public static final String DIFFUSERS_METADATA = "lora_adapter_metadata";

    private static final Pattern KEY = Pattern.compile("^(.+)\\.lora_([AB])(?:\\.[A-Za-z0-9_]+)?\\.weight$");
    private static final List<String> PREFIXES = List.of("base_model.model.", "transformer.");

    private AdapterFiles() {}

    /** Writes {@code adapter_model.safetensors} and {@code adapter_config.json} into {@code dir}. */
    public static void writePeft(Path dir, LoraModel lora) {
        writePeft(dir, lora.config(), lora.stateDict());
    }

    /** Writes PEFT files from raw weights (keys without prefix) and their config. */
    public static void writePeft(Path dir, LoraConfig config, Map<String, Tensor> weights) {
        Map<String, String> meta = new TreeMap<>();
        meta.put("format", "pt");
        SafetensorsWriter.write(dir.resolve(PEFT_WEIGHTS), weights, meta);
        try {
            Json.write(dir.resolve(PEFT_CONFIG), config.toPeftJson());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + dir.resolve(PEFT_CONFIG) + ": " + e.getMessage(), e);
        }
    }

    /**
     * Writes {@code target} (a folder, which gets {@code pytorch_lora_weights.safetensors}, or a {@code .safetensors}
     * file) in ACE-Step's layout with {@code scale} baked into lora_B. Returns the file written.
     */
    public static Path export(Path target, LoraConfig config, Map<String, Tensor> weights, double scale) {
        Path file = target.toString().endsWith(".safetensors") ? target : target.resolve(ACESTEP_WEIGHTS);
        Map<String, Tensor> out = new LinkedHashMap<>();
        List<Tensor> temps = new ArrayList<>();
        try {
            weights.forEach((k, t) -> {
                if (k.endsWith(".lora_B.weight")) {
                    Tensor baked = t.detach().mul(new Scalar(scale));
                    temps.add(baked);
                    out.put(k, baked);
                } else {
                    out.put(k, t);
                }
            });
            // A loader that reads the metadata (diffusers ≥ 0.34 with a weight_name) must also land on scale 1.0.
            LoraConfig asLoaded = new LoraConfig(config.r(), config.r(), false, config.targetModules(),
                    config.targetRegex(), config.dropout());
            Map<String, String> meta = new TreeMap<>();
            meta.put("format", "pt");
            meta.put(SCALE_BAKED, Double.toString(scale));
            meta.put(DIFFUSERS_METADATA, Json.toString(sorted(asLoaded.toPeftJson())));
            meta.put("lofi.training_lora_config", Json.toString(sorted(config.toPeftJson())));
            SafetensorsWriter.write(file, out, meta);
            return file;
        } finally {
            temps.forEach(Tensor::close);
        }
    }

    /** Exports a live adapter at its configured training scale. */
    public static Path export(Path target, LoraModel lora) {
        return export(target, lora.config(), lora.stateDict(), lora.config().scaling());
    }

    /** Exports an adapter read from disk at the scale it is applied with (so the export behaves the same). */
    public static Path export(Path target, AdapterFile adapter) {
        return export(target, adapter.config(), adapter.weights(), adapter.scale());
    }

    private static ObjectNode sorted(ObjectNode o) {
        ObjectNode s = Json.MAPPER.createObjectNode();
        new TreeMap<String, JsonNode>(toMap(o)).forEach(s::set);
        return s;
    }

    private static Map<String, JsonNode> toMap(ObjectNode o) {
        Map<String, JsonNode> m = new LinkedHashMap<>();
        o.properties().forEach(e -> m.put(e.getKey(), e.getValue()));
        return m;
    }

    /**
     * Reads an adapter: a folder with {@code adapter_config.json} + {@code adapter_model.safetensors} (PEFT), a folder
     * with {@code pytorch_lora_weights.safetensors}, or a {@code .safetensors} file (our export when it carries
     * {@code lofi.scale_baked}; PEFT when it is an {@code adapter_model.safetensors} beside an
     * {@code adapter_config.json}; ACE-Step/diffusers otherwise). Throws {@link LofiException} naming the file.
     */
    public static AdapterFile read(Path path) {
        path = resolve(path);
        if (Files.isDirectory(path)) {
            if (Files.isRegularFile(path.resolve(PEFT_WEIGHTS))) return read(path.resolve(PEFT_WEIGHTS));
            if (Files.isRegularFile(path.resolve(ACESTEP_WEIGHTS))) return read(path.resolve(ACESTEP_WEIGHTS));
            throw new LofiException(path, "holds neither " + PEFT_WEIGHTS + " nor " + ACESTEP_WEIGHTS,
                    "point at a checkpoint folder (runs/<name>/checkpoints/step-N) or a LoRA folder");
        }
        if (!Files.isRegularFile(path)) {
            throw new LofiException(path, "does not exist", "point at a LoRA file or folder");
        }
        try (SafetensorsFile f = SafetensorsFile.open(path)) {
            Map<String, String> meta = f.metadata();
            Map<String, Tensor> weights = normalisedWeights(path, f);
            try {
                Path peftConfig = path.resolveSibling(PEFT_CONFIG);
                if (meta.containsKey(SCALE_BAKED)) {
                    double baked = parseScale(path, meta.get(SCALE_BAKED));
                    LoraConfig c = configFromTensors(path, weights);
                    return new AdapterFile(path, AdapterFormat.LOFI_EXPORT, c, 1.0, baked, weights);
                }
                if (path.getFileName().toString().equals(PEFT_WEIGHTS)) {
                    if (!Files.isRegularFile(peftConfig)) {
                        throw new LofiException(path, "is a PEFT adapter without its " + PEFT_CONFIG,
                                "keep adapter_config.json beside it (it holds r, lora_alpha and use_rslora)");
                    }
                    LoraConfig c = LoraConfig.fromPeftJson(Json.readTree(peftConfig), peftConfig);
                    checkRank(path, c, weights);
                    return new AdapterFile(path, AdapterFormat.PEFT, c, c.scaling(), c.scaling(), weights);
                }
                LoraConfig c = configFromTensors(path, weights);
                return new AdapterFile(path, AdapterFormat.ACESTEP, c, 1.0, Double.NaN, weights);
            } catch (RuntimeException e) {
                weights.values().forEach(Tensor::close);
                throw e;
            }
        } catch (SafetensorsException e) {
            throw new LofiException(path, "is not a readable LoRA file: " + e.getMessage(),
                    "export it again or point at another file", e);
        }
    }

    private static double parseScale(Path path, String s) {
        try {
            double v = Double.parseDouble(s);
            if (Double.isFinite(v)) return v;
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new LofiException(path, SCALE_BAKED + " is \"" + s + "\", not a number", "export the adapter again");
    }

    /** Weights keyed {@code <path>.lora_A.weight}: prefixes and an adapter-name infix removed; only LoRA keys. */
    private static Map<String, Tensor> normalisedWeights(Path path, SafetensorsFile f) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        List<String> other = new ArrayList<>();
        for (String name : f.names()) {
            String k = name;
            for (String p : PREFIXES) if (k.startsWith(p)) k = k.substring(p.length());
            Matcher m = KEY.matcher(k);
            if (!m.matches()) {
                other.add(name);
                continue;
            }
            String key = m.group(1) + ".lora_" + m.group(2) + ".weight";
            if (out.containsKey(key)) {
                out.values().forEach(Tensor::close);
                throw new LofiException(path, "holds " + key + " twice (after removing prefixes)",
                        "keep one adapter per file");
            }
            out.put(key, f.tensor(name));
        }
        if (out.isEmpty()) {
            throw new LofiException(path, "holds no LoRA tensors (*.lora_A.weight / *.lora_B.weight)"
                    + (other.isEmpty() ? "" : "; it holds e.g. " + other.get(0)), "point at a LoRA adapter file");
        }
        if (!other.isEmpty()) {
            out.values().forEach(Tensor::close);
            throw new LofiException(path, "holds tensors that are not LoRA A/B weights: " + other.subList(0,
                    Math.min(5, other.size())), "only plain LoRA adapters (no biases, DoRA or alphas) are supported");
        }
        return out;
    }

    /**
     * The config diffusers rebuilds from a file without usable metadata (research §5.4): r = lora_B.shape[1],
     * lora_alpha = r, no rsLoRA, the exact module paths as targets. Checks every pair for a consistent rank.
     */
    static LoraConfig configFromTensors(Path path, Map<String, Tensor> weights) {
        Set<String> modules = new LinkedHashSet<>();
        for (String k : weights.keySet()) modules.add(k.substring(0, k.lastIndexOf(".lora_")));
        int r = -1;
        for (String m : modules) {
            Tensor a = weights.get(m + ".lora_A.weight");
            Tensor b = weights.get(m + ".lora_B.weight");
            if (a == null || b == null) {
                throw new LofiException(path, m + " has " + (a == null ? "no lora_A" : "no lora_B"),
                        "the file is incomplete; export it again");
            }
            if (a.dim() != 2 || b.dim() != 2 || a.size(0) != b.size(1)) {
                throw new LofiException(path, m + ": lora_A " + shape(a) + " and lora_B " + shape(b)
                        + " do not form a rank-r pair ([r, in] and [out, r])", "the file is damaged; export it again");
            }
            int rank = (int) b.size(1);
            if (r >= 0 && rank != r) {
                throw new LofiException(path, "mixes ranks " + r + " and " + rank + " (" + m + ")",
                        "one rank per adapter is supported");
            }
            r = rank;
        }
        return new LoraConfig(r, r, false, List.copyOf(modules), null, 0.0);
    }

    private static void checkRank(Path path, LoraConfig c, Map<String, Tensor> weights) {
        LoraConfig fromTensors = configFromTensors(path, weights);
        if (fromTensors.r() != c.r()) {
            throw new LofiException(path, "holds rank-" + fromTensors.r() + " weights but its " + PEFT_CONFIG
                    + " says r = " + c.r(), "keep the config that was saved with the weights");
        }
    }

    private static final Pattern STEP = Pattern.compile("step-\\d{6,}");

    /**
     * A run folder of {@code lofi train} (holding {@code checkpoints/step-*}) stands for its newest complete checkpoint;
     * any other path is returned as it is. Every command that takes an adapter ({@code export-lora}, {@code merge},
     * {@code export-onnx --lora}, {@code generate --lora}) reads it through {@link #read}, which calls this.
     */
    public static Path resolve(Path source) {
        Path ck = source.resolve("checkpoints");
        if (!Files.isDirectory(ck) || Files.isRegularFile(source.resolve(PEFT_WEIGHTS))) return source;
        try (java.util.stream.Stream<Path> s = Files.list(ck)) {
            return s.filter(p -> STEP.matcher(p.getFileName().toString()).matches())
                    .filter(p -> Files.isRegularFile(p.resolve(PEFT_WEIGHTS)))
                    .max(java.util.Comparator.comparing(p -> p.getFileName().toString()))
                    .orElseThrow(() -> new LofiException(source, "holds no checkpoint yet",
                            "train until the first checkpoint (checkpoint_every) or point at a checkpoint folder"));
        } catch (IOException e) {
            throw new LofiException(ck, "cannot be listed: " + e.getMessage(), "check its permissions");
        }
    }

    private static String shape(Tensor t) {
        return java.util.Arrays.toString(t.sizes().vec().get());
    }
}
