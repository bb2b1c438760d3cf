package dev.lofilora.infer;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lofilora.common.LofiException;
import dev.lofilora.lora.AdapterFiles;
import dev.lofilora.lora.AdapterFormat;
import dev.lofilora.lora.LoraConfig;
import dev.lofilora.lora.LoraModel;
import dev.lofilora.model.transformer.ACEStepTransformer2DModel;
import dev.lofilora.model.transformer.AceStepConfig;
import dev.lofilora.nn.Capture;
import dev.lofilora.tensor.Tensors;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/** LoRA at inference on the tiny transformer: scale 0 is the bare model bit for bit; the scale modes; bad files. */
class InferenceLoraTest {
    @TempDir
    static Path tmp;

    private static ACEStepTransformer2DModel model;
    private static Path peft;
    private static dev.lofilora.tensor.Threads threads;
    private static final LoraConfig CONFIG = new LoraConfig(4, 8, true, LoraConfig.ACESTEP_TARGETS, null, 0.0);

    @BeforeAll
    static void build() throws Exception {
        threads = InferFixtures.singleThread();
        model = InferFixtures.tiny(ScalarType.Float);
        peft = tmp.resolve("step-000010");
        Files.createDirectories(peft);
        try (LoraModel lora = LoraModel.inject(model, CONFIG); NoGradGuard g = new NoGradGuard()) {
            lora.initialize(5, ScalarType.Float);
            torch.manual_seed(6);
            // B is zeros after PEFT's init: give it values so the adapter changes the output.
            lora.parameters().forEach((k, p) -> { if (k.endsWith("lora_B.weight")) p.value().normal_(0, 0.1, new org.bytedeco.pytorch.GeneratorOptional()); });
            AdapterFiles.writePeft(peft, lora);
        }
    }

    @AfterAll
    static void release() {
        model.close();
        threads.close();
    }

    private static Tensor decode(ACEStepTransformer2DModel m) {
        Conditioning c = InferFixtures.conditions(m, 1, 4, 5, 3, false);
        Tensor x = InferFixtures.noise(m, 1, 6, 4, ScalarType.Float);
        var e = m.encode(c.textStates(), c.textMask(), c.speakerEmbeds(), c.lyricIds(), c.lyricMask(), Capture.NONE);
        return m.decode(x, torch.ones(1, 6), e, torch.full(new long[] {1}, new Scalar(600.0)), false, 6, Capture.NONE)
                .sample();
    }

    @Test
    void scaleZeroIsBitIdenticalToNoLora() {
        try (PointerScope scope = new PointerScope()) {
            Tensor bare = decode(model);
            try (InferenceLora lora = InferenceLora.apply(model, peft, 0.0, InferenceLora.ScaleMode.TRAINING)) {
                assertEquals(0.0, lora.effectiveScale());
                assertTrue(Tensors.bitIdentical(bare, decode(model)));
            }
            try (InferenceLora lora = InferenceLora.apply(model, peft, 1.0, InferenceLora.ScaleMode.TRAINING)) {
                assertTrue(Tensors.maxAbsDiff(bare, decode(model)) > 1e-4, "scale 1 changes the output");
            }
            assertTrue(Tensors.bitIdentical(bare, decode(model)), "closing removes the adapter");
        }
    }

    @Test
    void trainingScaleMeansAsTrainedWhileTheAceStepLoaderIgnoresAlpha() {
        try (PointerScope scope = new PointerScope()) {
            try (InferenceLora lora = InferenceLora.apply(model, peft, 1.0, InferenceLora.ScaleMode.TRAINING)) {
                assertEquals(AdapterFormat.PEFT, lora.format());
                assertEquals(CONFIG.scaling(), lora.effectiveScale(), 0, "8/√4 = 4");
                assertEquals(CONFIG.scaling(), lora.trainingScale(), 0);
                assertEquals(4.0 * 0.5, InferenceLora.apply(model, peft, 0.5, InferenceLora.ScaleMode.TRAINING)
                        .effectiveScale(), 0, "scales linearly (second adapter refused below)");
            } catch (LofiException e) {
                assertTrue(e.getMessage().contains("already has an adapter"), e.getMessage());
            }
            Tensor trained;
            try (InferenceLora lora = InferenceLora.apply(model, peft, 1.0, InferenceLora.ScaleMode.TRAINING)) {
                trained = decode(model);
            }
            try (InferenceLora lora = InferenceLora.apply(model, peft, 4.0, InferenceLora.ScaleMode.ACESTEP_LOADER)) {
                assertEquals(4.0, lora.effectiveScale(), 0, "lora_weight as given, alpha ignored");
                assertTrue(Tensors.bitIdentical(trained, decode(model)), "ACE-Step's w = alpha/√r is the trained strength");
            }
            // Our export bakes the training scale into lora_B: applied at 1.0 it is the trained adapter again.
            Path exported = AdapterFiles.export(tmp.resolve("export"), AdapterFiles.read(peft));
            try (InferenceLora lora = InferenceLora.apply(model, exported, 1.0, InferenceLora.ScaleMode.TRAINING)) {
                assertEquals(AdapterFormat.LOFI_EXPORT, lora.format());
                assertEquals(1.0, lora.effectiveScale());
                double err = Tensors.maxAbsDiff(trained, decode(model)) / Tensors.maxAbs(trained);
                assertTrue(err < 1e-5, "baked = scaled: " + err);
            }
        }
    }

    @Test
    void anAdapterOfAnotherModelIsRefusedNamingTheFileAndLeavesTheModelBare() throws Exception {
        ObjectNode wide = InferFixtures.PRESET.section("transformer").deepCopy();
        wide.put("inner_dim", 32).put("num_attention_heads", 2);
        Path other = tmp.resolve("other");
        Files.createDirectories(other);
        try (PointerScope scope = new PointerScope();
             ACEStepTransformer2DModel m = new ACEStepTransformer2DModel(AceStepConfig.parse(wide, null), false);
             LoraModel lora = LoraModel.inject((ACEStepTransformer2DModel) m.materialize(dev.lofilora.tensor.Devices.cpu(), ScalarType.Float),
                     CONFIG)) {
            lora.initialize(1, ScalarType.Float);
            AdapterFiles.writePeft(other, lora);
            Tensor bare = decode(model);
            LofiException e = assertThrows(LofiException.class,
                    () -> InferenceLora.apply(model, other, 1.0, InferenceLora.ScaleMode.TRAINING));
            assertTrue(e.getMessage().contains("other"), e.getMessage());
            assertTrue(e.getMessage().contains("shape mismatch"), e.getMessage());
            assertTrue(Tensors.bitIdentical(bare, decode(model)), "no adapter left behind");
            LofiException missing = assertThrows(LofiException.class,
                    () -> InferenceLora.apply(model, tmp.resolve("nope"), 1.0, InferenceLora.ScaleMode.TRAINING));
            assertTrue(missing.getMessage().contains("does not exist"), missing.getMessage());
        }
    }
}
