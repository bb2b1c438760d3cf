package dev.lofilora.lora;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lofilora.common.ConfigFiles;
import dev.lofilora.common.Json;
import dev.lofilora.common.LofiException;
import dev.lofilora.model.tiny.TinyPreset;
import dev.lofilora.model.transformer.ACEStepTransformer2DModel;
import dev.lofilora.model.transformer.AceStepConfig;
import dev.lofilora.nn.Parameter;
import dev.lofilora.tensor.Devices;
import dev.lofilora.tensor.Tensors;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.GeneratorOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class LoraModelTest {
    static AceStepConfig released() {
        return AceStepConfig.parse(ConfigFiles.defaults().readJson("acestep_v1_transformer.json"), null);
    }

    @Test
    void releasedConfigWraps211LayersWith261881856ParametersCountedOnMeta() {
        try (ACEStepTransformer2DModel model = new ACEStepTransformer2DModel(released(), false);
             LoraModel lora = LoraModel.inject(model, LoraConfig.read(ConfigFiles.defaults()))) {
            assertEquals(211, lora.layers().size());
            assertEquals(422, lora.parameters().size());
            assertEquals(261_881_856L, lora.parameterCount());
            assertTrue(lora.parameters().values().iterator().next().value().is_meta(), "nothing allocated");
            assertEquals(2.0, lora.config().scaling(), 0, "32/√256");
            List<String> paths = new ArrayList<>(lora.layers().keySet());
            // named_modules() order (research §3.3): blocks, then speaker_embedder, then the lyric encoder.
            assertEquals("transformer_blocks.0.attn.to_q", paths.get(0));
            assertEquals("transformer_blocks.0.cross_attn.to_out.0", paths.get(7));
            assertEquals("speaker_embedder", paths.get(192));
            assertEquals("lyric_encoder.encoders.5.self_attn.linear_v", paths.get(210));
            assertFalse(paths.stream().anyMatch(p -> p.contains("add_") || p.contains("to_add_out")
                    || p.contains("linear_pos") || p.contains("linear_out")));
            Parameter a = lora.parameters().get("speaker_embedder.lora_A.weight");
            assertArrayEquals(new long[] {256, 512}, a.shape());
            assertArrayEquals(new long[] {2560, 256}, lora.parameters().get("speaker_embedder.lora_B.weight").shape());
            assertArrayEquals(new long[] {256, 1024},
                    lora.parameters().get("lyric_encoder.encoders.0.self_attn.linear_q.lora_A.weight").shape());
            // The state dict carries PEFT's key names, and only the LoRA weights train.
            assertTrue(model.stateDict().containsKey("transformer_blocks.3.attn.to_out.0.lora_B.weight"));
            long trainable = model.namedParameters().values().stream().filter(Parameter::requiresGrad).count();
            assertEquals(422, trainable);
        }
    }

    @Test
    void lowVramVariantWithoutSpeakerMatchesResearchCount() {
        LoraConfig r16 = new LoraConfig(16, 32, false, List.of("linear_q", "linear_k", "linear_v", "to_q", "to_k",
                "to_v", "to_out.0"), null, 0);
        try (ACEStepTransformer2DModel model = new ACEStepTransformer2DModel(released(), false);
             LoraModel lora = LoraModel.inject(model, r16)) {
            assertEquals(16_318_464L, lora.parameterCount());
            assertEquals(2.0, r16.scaling(), 0, "32/16");
        }
    }

    @Test
    void targetsThatMatchNothingOrANonLinearAreRefused() {
        try (ACEStepTransformer2DModel model = TinyPreset.load(ConfigFiles.defaults()).transformer(Devices.cpu(), ScalarType.Float)) {
            LofiException none = assertThrows(LofiException.class,
                    () -> LoraModel.inject(model, new LoraConfig(4, 4, false, List.of("to_qq"), null, 0)));
            assertTrue(none.getMessage().contains("match no module"));
            LofiException container = assertThrows(LofiException.class,
                    () -> LoraModel.inject(model, new LoraConfig(4, 4, false, List.of("to_out"), null, 0)));
            assertTrue(container.getMessage().contains("not Linear"), container.getMessage());
        }
    }

    @Test
    void initialisationFollowsPeftsDrawOrderAndZeroB() {
        try (ACEStepTransformer2DModel model = TinyPreset.load(ConfigFiles.defaults()).transformer(Devices.cpu(), ScalarType.Float);
             LoraModel lora = LoraModel.inject(model, new LoraConfig(4, 8, true, LoraConfig.ACESTEP_TARGETS, null, 0))) {
            lora.initialize(99, ScalarType.Float);
            // Replay PEFT's sequence by hand for the first two layers: A, B (constructors), A again.
            Generator g = torch.make_generator_cpu(99);
            List<String> paths = new ArrayList<>(lora.layers().keySet());
            for (int i = 0; i < 2; i++) {
                LoraLinear a = lora.layers().get(paths.get(i));
                long in = a.base().inFeatures, out = a.base().outFeatures;
                double bound = Math.sqrt(3.0) * (Math.sqrt(2.0 / (1 + Math.sqrt(5) * Math.sqrt(5))) / Math.sqrt(in));
                Tensor wa = torch.empty(4, in).uniform_(-bound, bound, new GeneratorOptional(g));
                torch.empty(out, 4).uniform_(-1, 1, new GeneratorOptional(g)); // B's constructor draw (values unused)
                wa.uniform_(-bound, bound, new GeneratorOptional(g));
                assertTrue(Tensors.bitIdentical(wa, a.lora_A.weight.value()), "A of layer " + i);
                assertEquals(0.0, Tensors.maxAbs(a.lora_B.weight.value()), 0, "B is zero");
                assertTrue(Tensors.maxAbs(a.lora_A.weight.value()) <= 1 / Math.sqrt(in), "U(−1/√in, 1/√in)");
            }
        }
    }

    @Test
    void forwardAddsScaledLowRankDeltaAndZeroBLeavesTheBaseOutput() {
        TinyPreset tiny = TinyPreset.load(ConfigFiles.defaults());
        try (ACEStepTransformer2DModel model = tiny.transformer(Devices.cpu(), ScalarType.Float);
             LoraModel lora = LoraModel.inject(model, new LoraConfig(4, 6, true, List.of("speaker_embedder"), null, 0))) {
            lora.initialize(5, ScalarType.Float);
            torch.manual_seed(3);
            Tensor x = torch.randn(2, model.config.speakerEmbeddingDim());
            Tensor plain = torch.linear(x, model.speaker_embedder.weight.value(),
                    new org.bytedeco.pytorch.TensorOptional(model.speaker_embedder.bias.value()));
            assertEquals(0.0, Tensors.maxAbsDiff(plain, model.speaker_embedder.forward(x)), 0, "B = 0: base output");
            Tensor b = lora.parameters().get("speaker_embedder.lora_B.weight").value();
            try (var g = new org.bytedeco.pytorch.NoGradGuard()) { b.normal_(0, 1, new GeneratorOptional()); }
            Tensor a = lora.parameters().get("speaker_embedder.lora_A.weight").value();
            double scale = 6 / Math.sqrt(4);
            Tensor expected = plain.add(x.matmul(a.t()).matmul(b.t()).mul(new org.bytedeco.pytorch.Scalar(scale)));
            assertEquals(0.0, Tensors.maxAbsDiff(expected, model.speaker_embedder.forward(x)), 1e-5);
            lora.setEnabled(false);
            assertEquals(0.0, Tensors.maxAbsDiff(plain, model.speaker_embedder.forward(x)), 0);
        }
    }
}
