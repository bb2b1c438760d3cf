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

    @Test
    void frozenComponentsFitTheTinyTransformerWithTheirOwnSeeds() throws Exception {
        TinyPreset preset = TinyPreset.load(ConfigFiles.defaults());
        preset.checkFrozenDimensions();   // throws naming the mismatch
        var t = preset.transformerConfig();
        assertEquals(t.textEmbeddingDim(), preset.textEncoderConfig().dModel());
        assertEquals(t.inChannels(), preset.dcaeConfig().latentChannels());
        assertEquals(t.maxHeight(), preset.vocoderConfig().mel().nMels() / preset.dcaeConfig().compression());
        assertTrue(preset.lyricVocabSize() <= t.lyricEncoderVocabSize());
        Device cpu = new Device(torch.DeviceType.CPU);
        try (var dcae = preset.dcae(cpu); var vocoder = preset.vocoder(cpu)) {
            // the DCAE and the vocoder draw from different seeds: equal-shaped first convs differ
            assertFalse(Tensors.bitIdentical(dcae.encoder.conv_in.bias.value(), vocoder.backbone.norm.bias.value().narrow(0, 0, 16)));
            assertTrue(Tensors.maxAbs(vocoder.head.ups.get(0).weight_g.value()) > 1.5, "HiFi-GAN upsamplers get gain 2");
        }
        // a broken section is reported with the file
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("tiny");
        String json = new String(getClass().getResourceAsStream("/config/tiny_model.json").readAllBytes())
                .replace("\"d_model\": 32", "\"d_model\": 48");
        java.nio.file.Files.writeString(dir.resolve(TinyPreset.FILE), json);
        var e = assertThrows(dev.lofilora.common.LofiException.class,
                () -> TinyPreset.load(ConfigFiles.in(dir)).checkFrozenDimensions());
        assertTrue(e.getMessage().contains("text_encoder.d_model"), e.getMessage());
    }
}
