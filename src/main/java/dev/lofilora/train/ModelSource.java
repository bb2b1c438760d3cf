package dev.lofilora.train;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lofilora.common.ConfigFiles;
import dev.lofilora.common.Json;
import dev.lofilora.common.LofiException;
import dev.lofilora.model.tiny.TinyPreset;
import dev.lofilora.model.transformer.ACEStepTransformer2DModel;
import dev.lofilora.model.transformer.AceStepTransformerLoader;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.global.torch.ScalarType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Loads the base transformer of a run — {@code "tiny"} (the seeded preset of DESIGN §7) or an ACE-Step transformer
 * folder — in the run's dtype, and describes it for the run's identity (so {@code --resume} can tell a different
 * model apart). Released weights get ACE-Step's bf16-rounded RoPE tables (DESIGN §3.4).
 */
final class ModelSource {
    record Loaded(ACEStepTransformer2DModel model, ObjectNode identity) {}

    private ModelSource() {}

    static Loaded load(String model, Device device, ScalarType dtype, ConfigFiles configs) {
        ObjectNode id = Json.MAPPER.createObjectNode();
        if (TinyPreset.isTiny(model)) {
            TinyPreset tiny = TinyPreset.load(configs);
            id.put("model", TinyPreset.NAME);
            id.put("preset_sha256", RunIdentity.sha256(Json.toString(tiny.section("transformer")) + "/" + tiny.seed()));
            return new Loaded(tiny.transformer(device, dtype), id);
        }
        Path dir = Path.of(model);
        Path weights = AceStepTransformerLoader.weightsOf(dir); // clear errors for a missing folder or weights
        try {
            id.put("model", dir.toAbsolutePath().normalize().toString());
            id.put("config_sha256", RunIdentity.sha256(Files.readString(dir.resolve("config.json"))));
            id.put("weights", weights.getFileName().toString());
            id.put("weights_bytes", Files.size(weights));
        } catch (IOException e) {
            throw new LofiException(dir, "cannot be read: " + e.getMessage(), "check the model folder's permissions");
        }
        return new Loaded(AceStepTransformerLoader.load(dir, device, dtype, true).model(), id);
    }
}
