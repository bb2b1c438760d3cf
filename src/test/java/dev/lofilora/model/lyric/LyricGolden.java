package dev.lofilora.model.lyric;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lofilora.common.Json;
import dev.lofilora.nn.LoadReport;
import dev.lofilora.tensor.Safetensors;
import dev.lofilora.tensor.TensorSource;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

import java.nio.file.Path;
import java.util.List;

/** Reads one ACE-Step golden folder (config.json, weights, tolerances) for the lyric encoder tests. */
final class LyricGolden {
    static final String PREFIX = "lyric_encoder.";

    private LyricGolden() {}

    /** The encoder config a golden folder describes: lyric_hidden_size in, `_lyric_encoder_kwargs` on top. */
    static ConformerConfig config(Path dir) {
        JsonNode cfg = Json.readTree(dir.resolve("config.json"));
        return ConformerConfig.acestep(cfg.get("lyric_hidden_size").asInt()).withKwargs(cfg.get("_lyric_encoder_kwargs"));
    }

    /**
     * An encoder with the golden's `lyric_encoder.*` weights (prefix stripped), strictly loaded in {@code dtype}. Call it outside
     * any PointerScope: tensors created inside one are freed when it closes (the weights must outlive it).
     */
    static ConformerEncoder load(Path dir, ScalarType dtype) {
        ConformerEncoder enc = new ConformerEncoder(config(dir));
        try (TensorSource w = Safetensors.open(dir.resolve("weights.safetensors"))) {
            List<String> names = w.names().stream().filter(n -> n.startsWith(PREFIX))
                    .map(n -> n.substring(PREFIX.length())).toList();
            LoadReport r = enc.loadStateDict(names, n -> w.tensor(PREFIX + n), new Device(torch.DeviceType.CPU), dtype, true);
            if (!r.clean()) throw new AssertionError(r.describe());
        }
        return enc;
    }

    /** The stored absolute tolerance of an `outputs.safetensors` key. */
    static double atol(Path dir, String key) {
        JsonNode t = Json.readTree(dir.resolve("tolerances.json")).path("outputs").path(key).path("atol");
        if (!t.isNumber()) throw new AssertionError("tolerances.json has no outputs." + key + ".atol");
        return t.asDouble();
    }
}
