package dev.lofilora.infer;

import dev.lofilora.infer.guidance.CfgType;
import dev.lofilora.infer.guidance.GuidanceSettings;
import dev.lofilora.infer.sampler.FlowMatchScheduler;
import dev.lofilora.infer.sampler.NoiseSource;
import dev.lofilora.infer.sampler.SchedulerType;
import dev.lofilora.model.transformer.ACEStepTransformer2DModel;
import dev.lofilora.tensor.Devices;
import dev.lofilora.tensor.Tensors;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** The denoising loop over the tiny transformer: encode once, decode per step, deterministic, fp32 and bf16. */
class TransformerLoopTest {
    private static final int B = 2, FRAMES = 8;

    private static ACEStepTransformer2DModel model;

    private static dev.lofilora.tensor.Threads threads;

    @BeforeAll
    static void build() {
        threads = InferFixtures.singleThread();
        model = InferFixtures.tiny(ScalarType.Float);
    }

    @AfterAll
    static void release() {
        threads.close();
        model.close();
    }

    private record Run(Tensor latents, List<String> decodes, int encodes) {}

    private static Run generate(ACEStepTransformer2DModel model, SamplingSettings s, ErgSwitches erg, ScalarType dtype) {
        Conditioning c = InferFixtures.conditions(model, B, 5, 6, 11, false);
        List<String> decodes = new ArrayList<>();
        try (FlowMatchScheduler scheduler = s.newScheduler(Devices.cpu(), dtype);
             TransformerDenoiser denoiser = new TransformerDenoiser(model, c, erg, s.guidance().doDoubleCondition())) {
            denoiser.onDecode((kind, i, hooked) -> decodes.add(i + ":" + kind.id()));
            DenoisingLoop loop = new DenoisingLoop(scheduler, s.guidance(), s.omegaScale());
            // The same noise for both dtypes (drawn in fp32), so the bf16 run is comparable.
            Tensor init = InferFixtures.noise(model, B, FRAMES, 5, ScalarType.Float).to(dtype);
            Tensor out = loop.run(init, denoiser,
                    NoiseSource.of(torch.createCPUGenerator(9)), DenoisingLoop.Listener.NONE);
            return new Run(out, decodes, denoiser.encodes().size());
        }
    }

    private static SamplingSettings settings(SchedulerType type, int steps, GuidanceSettings g) {
        return new SamplingSettings(type, steps, List.of(), 10.0, g);
    }

    @Test
    void encodesOnceAndDecodesOncePerUnguidedAndTwicePerGuidedStep() {
        try (PointerScope scope = new PointerScope()) {
            Run r = generate(model, settings(SchedulerType.EULER, 6, GuidanceSettings.aceStepDefaults()),
                    ErgSwitches.ALL, ScalarType.Float);
            assertEquals(2, r.encodes, "conditional and null");
            // N = 6, interval 0.5: guided iterations int(1.5) = 1 .. int(4.5) − 1 = 3
            assertEquals(List.of("0:cond", "1:cond", "1:null", "2:cond", "2:null", "3:cond", "3:null", "4:cond", "5:cond"),
                    r.decodes);
            assertArrayEquals(new long[] {B, 8, 16, FRAMES}, Tensors.shape(r.latents));
            assertTrue(Double.isFinite(Tensors.maxAbs(r.latents)));
        }
    }

    @Test
    void heunDecodesAtEachOfItsTwoNMinusOneTimestepsAndDoubleConditionThreeTimes() {
        GuidanceSettings dbl = new GuidanceSettings(15, 1.0, 0, 3, 5.0, 2.5, CfgType.APG, 1, true);
        try (PointerScope scope = new PointerScope()) {
            Run heun = generate(model, settings(SchedulerType.HEUN, 3, GuidanceSettings.aceStepDefaults()
                    .withType(CfgType.CFG)), ErgSwitches.NONE, ScalarType.Float);
            // 5 iterations; the window [int(0.75), int(2.25)) = [0, 2) counts from N = 3, not 5
            assertEquals(List.of("0:cond", "0:null", "1:cond", "1:null", "2:cond", "3:cond", "4:cond"), heun.decodes);
            Run three = generate(model, settings(SchedulerType.EULER, 2, dbl), ErgSwitches.NONE, ScalarType.Float);
            assertEquals(3, three.encodes, "conditional, null and text-only");
            assertEquals(List.of("0:cond", "0:no_lyric", "0:null", "1:cond", "1:no_lyric", "1:null"), three.decodes);
        }
    }

    @Test
    void theSameSeedGivesBitIdenticalLatentsForEveryScheduler() {
        try (PointerScope scope = new PointerScope()) {
            for (SchedulerType type : SchedulerType.values()) {
                SamplingSettings s = settings(type, 3, GuidanceSettings.aceStepDefaults());
                Tensor a = generate(model, s, ErgSwitches.ALL, ScalarType.Float).latents;
                Tensor b = generate(model, s, ErgSwitches.ALL, ScalarType.Float).latents;
                assertTrue(Tensors.bitIdentical(a, b), type.id());
            }
            Tensor euler = generate(model, settings(SchedulerType.EULER, 3, GuidanceSettings.aceStepDefaults()),
                    ErgSwitches.ALL, ScalarType.Float).latents;
            Tensor noGuidance = generate(model, settings(SchedulerType.EULER, 3, GuidanceSettings.aceStepDefaults()
                    .withScale(1.0)), ErgSwitches.ALL, ScalarType.Float).latents;
            assertTrue(Tensors.maxAbsDiff(euler, noGuidance) > 1e-3, "guidance changes the result");
        }
    }

    /** Two guided Euler steps (bf16 matmuls are slow on CPUs without bf16 units): bf16 latents near the fp32 ones. */
    @Test
    void theBf16PipelineKeepsBf16LatentsAndStaysNearFp32() {
        try (PointerScope scope = new PointerScope();
             ACEStepTransformer2DModel bf16 = InferFixtures.tiny(ScalarType.BFloat16)) {
            GuidanceSettings all = new GuidanceSettings(15, 1.0, 0, 3, 0, 0, CfgType.APG, 1, true);
            SamplingSettings s = settings(SchedulerType.EULER, 2, all);
            Tensor a = generate(model, s, ErgSwitches.ALL, ScalarType.Float).latents;
            Tensor b = generate(bf16, s, ErgSwitches.ALL, ScalarType.BFloat16).latents;
            assertEquals(ScalarType.BFloat16.value, b.scalar_type().value);
            double rel = Tensors.maxAbsDiff(a, b) / Tensors.maxAbs(a);
            System.out.printf("bf16 vs fp32 loop, tiny transformer, 2 guided Euler steps: max rel %.3g%n", rel);
            assertTrue(rel < 0.05, "bf16 drifts too far: " + rel);
        }
    }
}
