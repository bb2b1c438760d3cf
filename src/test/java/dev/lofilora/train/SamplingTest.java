package dev.lofilora.train;

import dev.lofilora.SharedFiles;
import dev.lofilora.tensor.Safetensors;
import dev.lofilora.tensor.TensorSource;
import dev.lofilora.tensor.Tensors;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** ACE-Step's timestep sampling and CFG condition dropout. */
class SamplingTest {
    @Test
    void logitNormalSamplerReproducesTheGoldensTimestepsFromTheSameSeed() {
        try (TensorSource in = Safetensors.open(SharedFiles.require("golden/acestep/A/inputs.safetensors"))) {
            // The golden drew them with torch.manual_seed(seed + 7) = 1241 and trainer.py's get_timestep.
            Tensor[] st = LogitNormalIndexSampler.acestep().sample(2, torch.make_generator_cpu(1241));
            assertTrue(Tensors.bitIdentical(in.tensor("loss.sigmas"), st[0]), "σ bit for bit");
            assertTrue(Tensors.bitIdentical(in.tensor("loss.timesteps"), st[1]), "t bit for bit");
        }
    }

    @Test
    void shiftedTableAndLogitNormalIndexDistribution() {
        LogitNormalIndexSampler s = LogitNormalIndexSampler.acestep();
        float[] sigma = Tensors.toFloatArray(s.sigmaTable());
        assertEquals(1.0f, sigma[0], 0);                       // s = 1 → σ = 3/3
        assertEquals(3 * 0.001f / (1 + 2 * 0.001f), sigma[999], 1e-7f);
        assertEquals(0.75f, sigma[500], 1e-6f);                 // s = 0.5 → 1.5/2
        Tensor[] st = s.sample(20_000, torch.make_generator_cpu(3));
        double[] sg = Tensors.toDoubleArray(st[0]);
        double[] t = Tensors.toDoubleArray(st[1]);
        double mean = 0;
        for (int i = 0; i < sg.length; i++) {
            assertEquals(sg[i] * 1000, t[i], 1e-3, "t = σ·1000");
            mean += sg[i] / sg.length;
        }
        // Index ~ logit-normal(0, 1) → median index 500 → median σ = 0.75; the mean over the shifted table ≈ 0.72.
        assertEquals(0.72, mean, 0.02);
    }

    @Test
    void cfgDropoutZeroesEachConditionAsTheOriginal() {
        TrainBatch b = TrainFixtures.batch(TrainFixtures.tiny().transformerConfig(), 4, 8, false, 1);
        Generator g = torch.make_generator_cpu(1);
        TrainBatch all = new CfgDropout(1, 1, 1).apply(b, g);
        assertEquals(0.0, Tensors.maxAbs(all.textStates()), 0);
        assertTrue(Tensors.bitIdentical(b.textMask(), all.textMask()), "the text mask is kept");
        assertEquals(0.0, Tensors.maxAbs(all.speaker()), 0);
        assertEquals(0.0, Tensors.maxAbs(all.lyricIds()), 0);
        assertEquals(0.0, Tensors.maxAbs(all.lyricMask()), 0);
        assertTrue(Tensors.bitIdentical(b.latents(), all.latents()), "the latent is untouched");
        TrainBatch none = CfgDropout.OFF.apply(b, g);
        assertTrue(Tensors.bitIdentical(b.textStates(), none.textStates()));
        assertTrue(Tensors.bitIdentical(b.lyricIds(), none.lyricIds()));
        // Draw order text, speaker, lyrics; an item is dropped where rand < p.
        Generator g2 = torch.make_generator_cpu(9);
        TrainBatch half = new CfgDropout(0.5, 0, 0.5).apply(b, g2);
        Generator replay = torch.make_generator_cpu(9);
        double[] text = Tensors.toDoubleArray(torch.rand(new long[] {4}, new org.bytedeco.pytorch.GeneratorOptional(replay), new org.bytedeco.pytorch.TensorOptions()));
        torch.rand(new long[] {4}, new org.bytedeco.pytorch.GeneratorOptional(replay), new org.bytedeco.pytorch.TensorOptions());
        double[] lyr = Tensors.toDoubleArray(torch.rand(new long[] {4}, new org.bytedeco.pytorch.GeneratorOptional(replay), new org.bytedeco.pytorch.TensorOptions()));
        for (int i = 0; i < 4; i++) {
            assertEquals(text[i] < 0.5, Tensors.maxAbs(half.textStates().get(i)) == 0, "text item " + i);
            assertEquals(lyr[i] < 0.5, Tensors.maxAbs(half.lyricMask().get(i)) == 0, "lyrics item " + i);
        }
    }
}
