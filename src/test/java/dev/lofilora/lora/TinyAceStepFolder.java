package dev.lofilora.lora;

import dev.lofilora.common.ConfigFiles;
import dev.lofilora.common.Json;
import dev.lofilora.model.frozen.TinyCheckpoint;
import dev.lofilora.model.tiny.TinyPreset;
import dev.lofilora.model.transformer.ACEStepTransformer2DModel;
import dev.lofilora.nn.Parameter;
import dev.lofilora.tensor.Devices;
import dev.lofilora.tensor.SafetensorsWriter;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** The tiny preset as an ACE-Step checkpoint folder (transformer fp32 + the frozen components), for merge tests. */
public final class TinyAceStepFolder {
    private TinyAceStepFolder() {}

    /** Writes the folder at {@code dir} and returns it. */
    public static Path write(Path dir) throws IOException {
        Path ckpt = TinyCheckpoint.write(dir);
        Path t = Files.createDirectories(ckpt.resolve(MergeJob.TRANSFORMER_DIR));
        try (ACEStepTransformer2DModel m = TinyPreset.load(ConfigFiles.defaults()).transformer(Devices.cpu(), ScalarType.Float)) {
            Map<String, Tensor> state = new LinkedHashMap<>();
            for (Map.Entry<String, Parameter> e : m.stateDict().entrySet()) state.put(e.getKey(), e.getValue().value());
            SafetensorsWriter.write(t.resolve("diffusion_pytorch_model.safetensors"), state, Map.of("format", "pt"));
            Files.writeString(t.resolve("config.json"), Json.toString(m.config.toJson()));
        }
        return ckpt;
    }
}
