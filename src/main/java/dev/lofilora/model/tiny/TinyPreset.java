package dev.lofilora.model.tiny;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lofilora.common.ConfigFiles;
import dev.lofilora.common.LofiException;
import dev.lofilora.model.transformer.ACEStepTransformer2DModel;
import dev.lofilora.model.transformer.AceStepConfig;
import dev.lofilora.model.transformer.RandomWeights;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

import java.nio.file.Path;
import java.util.Map;

/**
 * The {@code tiny} model preset of DESIGN §7, read from {@code config/tiny_model.json}: every component of the
 * ACE-Step stack at toy sizes with seeded random weights, so {@code --model tiny}, {@code lofi demo} and the tests run
 * without any downloaded file. Each component has its own section (the original config's field names) and its own
 * seed offset, so adding a component never changes another's weights.
 */
public final class TinyPreset {
    public static final String FILE = "tiny_model.json";
    /** What users type for {@code --model}. */
    public static final String NAME = "tiny";

    private static final long TRANSFORMER_SEED_OFFSET = 1;

    private final JsonNode root;
    private final Path source;
    private final long seed;

    private TinyPreset(JsonNode root, Path source) {
        this.root = root;
        this.source = source;
        JsonNode s = root.get("seed");
        if (s == null || !s.canConvertToLong()) throw new LofiException(source, "has no integer \"seed\"", "restore it from the project's config/");
        this.seed = s.asLong();
    }

    /** The preset from {@code configs} ({@code --config DIR} or the embedded defaults). */
    public static TinyPreset load(ConfigFiles configs) {
        return new TinyPreset(configs.readJson(FILE), configs.describe(FILE));
    }

    /** Whether a {@code --model} value names this preset rather than a folder. */
    public static boolean isTiny(String model) {
        return NAME.equals(model);
    }

    /** The base seed; each component draws its weights from {@code seed + its offset}. */
    public long seed() { return seed; }

    /** One component's section, e.g. {@code "transformer"}; a {@link LofiException} when absent. */
    public JsonNode section(String name) {
        JsonNode n = root.get(name);
        if (n == null || !n.isObject()) {
            throw new LofiException(source, "has no \"" + name + "\" section", "restore it from the project's config/");
        }
        return n;
    }

    /** The transformer's config (with its lyric encoder). */
    public AceStepConfig transformerConfig() {
        return AceStepConfig.parse(section("transformer"), source);
    }

    /** A tiny transformer with its seeded random weights, on {@code device} in {@code dtype}, in eval mode. */
    public ACEStepTransformer2DModel transformer(Device device, ScalarType dtype) {
        ACEStepTransformer2DModel model = new ACEStepTransformer2DModel(transformerConfig(), false);
        Map<String, Tensor> weights = RandomWeights.stateDict(model, seed + TRANSFORMER_SEED_OFFSET);
        try {
            model.loadStateDict(weights.keySet(), k -> new Tensor(weights.get(k)), device, dtype, true);
        } finally {
            weights.values().forEach(Tensor::close);
        }
        model.train(false);
        return model;
    }
}
