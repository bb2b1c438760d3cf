package dev.lofilora.model.tiny;

import dev.lofilora.common.ConfigFiles;
import dev.lofilora.model.transformer.ACEStepTransformer2DModel;
import dev.lofilora.tensor.Tensors;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class TinyPresetTest {
    @Test
    void tinyTransformerIsSeededAndReproducible() {
        TinyPreset preset = TinyPreset.load(ConfigFiles.defaults());
        assertEquals(32, preset.transformerConfig().textEmbeddingDim());
        Device cpu = new Device(torch.DeviceType.CPU);
        try (ACEStepTransformer2DModel a = preset.transformer(cpu, torch.ScalarType.Float);
             ACEStepTransformer2DModel b = preset.transformer(cpu, torch.ScalarType.Float)) {
            assertFalse(a.isTraining());
            var pa = a.stateDict();
            var pb = b.stateDict();
            assertEquals(pa.keySet(), pb.keySet());
            for (String k : pa.keySet()) assertTrue(Tensors.bitIdentical(pa.get(k).value(), pb.get(k).value()), k);
            assertTrue(Tensors.maxAbs(pa.get("proj_in.early_conv_layers.0.weight").value()) > 0);
        }
    }
}
