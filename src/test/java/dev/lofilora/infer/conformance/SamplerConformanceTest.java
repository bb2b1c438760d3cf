package dev.lofilora.infer.conformance;

import dev.lofilora.SharedFiles;
import dev.lofilora.common.ProgressListener;
import dev.lofilora.conformance.ConformanceConfig;
import dev.lofilora.conformance.ConformanceContext;
import dev.lofilora.conformance.ConformanceReport;
import dev.lofilora.conformance.ConformanceRunner;
import dev.lofilora.conformance.GoldenFolder;
import dev.lofilora.conformance.TensorComparison;
import dev.lofilora.infer.DenoisingLoop;
import dev.lofilora.infer.SamplingSettings;
import dev.lofilora.infer.guidance.Apg;
import dev.lofilora.infer.guidance.CfgZeroStar;
import dev.lofilora.infer.guidance.MomentumBuffer;
import dev.lofilora.infer.sampler.FlowMatchScheduler;
import dev.lofilora.infer.sampler.NoiseSource;
import dev.lofilora.tensor.Devices;
import dev.lofilora.tensor.SafetensorsFile;
import dev.lofilora.tensor.Tensors;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.GeneratorOptional;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The sampler suite on ../shared/golden/sampler/A (skipped when absent): every expected key within the golden's own
 * tolerances (max|Δ| ≤ atol per key from tolerances.json: 4× the float32-vs-float64 error for F32 keys, 1.5× the
 * CUDA-rule variant or 1 bf16 ulp for BF16 keys, exact for I64), and deliberate mistakes from the README's list fail.
 */
class SamplerConformanceTest {
    @TempDir
    Path tmp;

    private static Path golden() {
        return SharedFiles.require("golden/sampler/A");
    }

    @Test
    void everyKeyOfTheGoldenPassesNaNsIncludedAndSaveWritesThem() {
        Path dir = golden();
        ConformanceReport r = ConformanceRunner.installed().run(
                new ConformanceConfig(dir, tmp.resolve("saved"), true, "cpu"), ProgressListener.NONE);
        long expected = GoldenFolder.read(dir).expected().size();
        assertEquals(Map.of("", "sampler"), r.suites());
        assertEquals(expected, r.compared(), r.summary());
        assertTrue(r.skipped().isEmpty(), r.summary());
        assertTrue(r.failed().isEmpty(), () -> r.failed().stream().map(c -> c.name() + ": " + c.message())
                .collect(Collectors.joining("\n")));
        assertTrue(r.passed());
        double worst = r.comparisons().stream().filter(c -> !c.exact() && c.atol() > 0)
                .mapToDouble(c -> c.maxAbs() / c.atol()).max().orElse(0);
        System.out.printf("sampler/A: %d keys, worst max|Δ|/atol = %.3g%n", r.compared(), worst);
        // NaN where not guided: compared by position, the finite entries by value.
        TensorComparison scale = r.comparisons().stream().filter(c -> c.key().equals("loop.heun_cfg_f32.scale"))
                .findFirst().orElseThrow();
        assertTrue(scale.passed());
        assertEquals(0.0, scale.maxAbs());
        Path saved = tmp.resolve("saved/outputs.safetensors");
        assertTrue(Files.isRegularFile(saved));
        try (SafetensorsFile f = SafetensorsFile.open(saved)) {
            assertEquals(expected, f.names().size());
            assertEquals("BF16", f.info("loop.euler_apg_bf16.latents.10").dtype().safetensorsName());
            assertEquals("F64", f.info("interval.fn_default.scale").dtype().safetensorsName());
        }
    }

    /** Mistakes the golden README says must fail do fail (so passing means something). */
    @Test
    void apgWithTheWrongMomentumSignOrNoClippingFailsTheGolden() {
        Path dir = golden();
        try (PointerScope scope = new PointerScope(); SafetensorsFile in = SafetensorsFile.open(dir.resolve("inputs.safetensors"));
             SafetensorsFile out = SafetensorsFile.open(dir.resolve("outputs.safetensors"));
             MomentumBuffer plus = new MomentumBuffer(+0.75)) {
            double atol = atol(dir, "guidance.apg.f32.out.2");
            double[] scale = Tensors.toDoubleArray(in.tensor("guidance.scale"));
            Apg wrongSign = new Apg(plus);
            Tensor last = null;
            for (int i = 0; i <= 2; i++) {
                last = wrongSign.apply(in.tensor("guidance.cond." + i), in.tensor("guidance.uncond." + i), scale[i], i);
            }
            assertTrue(Tensors.maxAbsDiff(last, out.tensor("guidance.apg.f32.out.2")) > 10 * atol);
            Tensor unclipped = new Apg(null, 0.0, 0.0).apply(in.tensor("guidance.cond.0"), in.tensor("guidance.uncond.0"),
                    scale[0], 0);
            assertTrue(Tensors.maxAbsDiff(unclipped, out.tensor("guidance.apg.f32.out.0")) > 10 * atol(dir,
                    "guidance.apg.f32.out.0"));
            // zero-init for i < zero_steps instead of i ≤ zero_steps leaves step 1 non-zero
            Tensor star = new CfgZeroStar(0, true).apply(in.tensor("guidance.cond.1"), in.tensor("guidance.uncond.1"),
                    scale[1], 1);
            assertTrue(Tensors.maxAbs(star) > 0);
            assertEquals(0.0, Tensors.maxAbs(out.tensor("guidance.cfg_star.f32.out.1")));
        }
    }

    /**
     * libtorch's CPU generator gives Python's draws for a seed, so the PingPong loop runs from seeds alone: the first
     * batch item's generator draws its initial latents, then one noise per step, as ACE-Step's random_generators[0].
     */
    @Test
    void thePingPongLoopReproducesTheGoldenFromSeedsAlone() throws Exception {
        Path dir = golden();
        var config = dev.lofilora.common.Json.readTree(dir.resolve("config.json"));
        var c = java.util.stream.StreamSupport.stream(config.get("loop_cases").spliterator(), false)
                .filter(n -> n.get("scheduler_type").asText().equals("pingpong")).findFirst();
        org.junit.jupiter.api.Assumptions.assumeTrue(c.isPresent(), "no PingPong loop case in this golden");
        String name = c.get().get("name").asText();
        try (PointerScope scope = new PointerScope(); SafetensorsFile out = SafetensorsFile.open(dir.resolve("outputs.safetensors"));
             SafetensorsFile in = SafetensorsFile.open(dir.resolve("inputs.safetensors"));
             SamplerGolden g = new SamplerGolden(dir, new ConformanceContext(Devices.cpu(), Map.of(), ProgressListener.NONE))) {
            Tensor stored = in.tensor("loop." + name + ".init_latents");
            long[] itemShape = Tensors.shape(stored);
            itemShape[0] = 1;
            List<Integer> seeds = SamplerGolden.ints(c.get().get("seeds"));
            Generator first = null;
            Tensor[] items = new Tensor[seeds.size()];
            for (int b = 0; b < seeds.size(); b++) {
                Generator gen = torch.createCPUGenerator(seeds.get(b));
                if (b == 0) first = gen;
                items[b] = torch.randn(itemShape, new GeneratorOptional(gen),
                        new TensorOptions().dtype(new ScalarTypeOptional(ScalarType.Float)));
            }
            Tensor init = torch.cat(new org.bytedeco.pytorch.TensorVector(items), 0);
            assertEquals(0.0, Tensors.maxAbsDiff(init, stored), "randn_tensor with one generator per item");
            SamplingSettings settings = PipelineCase.read(g, c.get(), "loop_cases").settings();
            int[] i = {0};
            try (FlowMatchScheduler s = settings.newScheduler(Devices.cpu(), ScalarType.Float)) {
                DenoisingLoop loop = new DenoisingLoop(s, settings.guidance(), settings.omegaScale());
                Tensor last = loop.run(init, (kind, x, t, it) -> in.tensor("loop." + name + ".model_out." + it + "." + kind.id()),
                        NoiseSource.of(first), step -> i[0]++);
                String key = "loop." + name + ".latents." + i[0];
                assertTrue(Tensors.maxAbsDiff(last, out.tensor(key)) <= atol(dir, key), key);
            }
        }
    }

    private static double atol(Path dir, String key) {
        return GoldenFolder.read(dir).expected().stream().filter(e -> e.key().equals(key)).findFirst().orElseThrow()
                .atol();
    }
}
