package dev.lofilora.model.transformer;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lofilora.common.Json;
import dev.lofilora.nn.Parameter;
import dev.lofilora.tensor.Devices;
import dev.lofilora.tensor.SafetensorsWriter;
import dev.lofilora.tensor.Tensors;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** Released-style folders: bf16 weights on disk, sharded with an index, loaded into fp32 or bf16. */
class AceStepTransformerLoaderTest {

    @Test
    void loadsShardedBf16WeightsIntoTheRequestedDtypeByName(@TempDir Path dir) throws Exception {
        AceStepConfig c = TinyAceStepModelTest.tinyConfig();
        try (PointerScope scope = new PointerScope(); ACEStepTransformer2DModel blueprint = new ACEStepTransformer2DModel(c, false)) {
            Map<String, Tensor> bf16 = new LinkedHashMap<>();
            RandomWeights.stateDict(blueprint, 9).forEach((k, t) -> bf16.put(k, t.to(ScalarType.BFloat16)));
            Map<String, Tensor> first = new LinkedHashMap<>(), second = new LinkedHashMap<>();
            ObjectNode index = Json.MAPPER.createObjectNode();
            ObjectNode map = index.putObject("weight_map");
            int i = 0;
            for (Map.Entry<String, Tensor> e : bf16.entrySet()) {
                boolean a = i++ < bf16.size() / 2;
                (a ? first : second).put(e.getKey(), e.getValue());
                map.put(e.getKey(), a ? "diffusion_pytorch_model-00001-of-00002.safetensors"
                        : "diffusion_pytorch_model-00002-of-00002.safetensors");
            }
            SafetensorsWriter.write(dir.resolve("diffusion_pytorch_model-00001-of-00002.safetensors"), first);
            SafetensorsWriter.write(dir.resolve("diffusion_pytorch_model-00002-of-00002.safetensors"), second);
            Files.writeString(dir.resolve("diffusion_pytorch_model.safetensors.index.json"), Json.toString(index));
            Files.writeString(dir.resolve("config.json"), Json.toString(c.toJson()));

            for (ScalarType dtype : new ScalarType[] {ScalarType.Float, ScalarType.BFloat16}) {
                try (AceStepTransformerLoader.Loaded l = AceStepTransformerLoader.load(dir, Devices.cpu(), dtype, true)) {
                    assertTrue(l.report().clean());
                    assertEquals(bf16.size(), l.report().loaded());
                    assertTrue(l.weights().toString().endsWith(".index.json"));
                    assertFalse(l.model().isTraining(), "loaded models are in eval mode");
                    assertTrue(l.model().rotaryEmbedding().roundsTablesToBf16());
                    for (Map.Entry<String, Parameter> e : l.model().stateDict().entrySet()) {
                        Tensor v = e.getValue().value();
                        assertFalse(v.is_meta(), e.getKey());
                        assertEquals(dtype.value, v.scalar_type().value, e.getKey());
                        assertEquals(0.0, Tensors.maxAbsDiff(v.to(ScalarType.Float),
                                bf16.get(e.getKey()).to(ScalarType.Float)), 0.0, e.getKey());
                    }
                    assertEquals(dtype.value, l.model().dtype().value);
                }
            }
        }
    }
}
