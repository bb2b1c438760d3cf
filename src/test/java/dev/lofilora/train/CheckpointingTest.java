package dev.lofilora.train;

import dev.lofilora.lora.LoraModel;
import dev.lofilora.model.transformer.ACEStepTransformer2DModel;
import dev.lofilora.model.transformer.BlockRunner;
import dev.lofilora.nn.Parameter;
import dev.lofilora.tensor.Tensors;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Gradient checkpointing per block gives the gradients of plain backprop. Within a block every op runs on the same
 * inputs in the same order, so the only difference is where several gradient contributions to one tensor are summed:
 * plain backprop adds a block output's gradients from the next block's uses and from the REPA projectors in the
 * engine's interleaved order, checkpointing adds the projectors' sum after the next block's — float addition in
 * another association. The check is therefore max|Δ| ≤ 4e-6 · max|grad| per tensor (observed: 5e-7 at worst),
 * and exact (Δ = 0) for the loss and for a run without REPA taps.
 */
class CheckpointingTest {
    private static Map<String, Tensor> gradsOfOneStep(boolean checkpointing, boolean train, boolean ssl) {
        try (ACEStepTransformer2DModel model = TrainFixtures.tinyModel();
             LoraModel lora = TrainFixtures.lora(model, 4, 11);
             TrainBatch batch = TrainFixtures.batch(model.config, 2, 24, ssl, 5);
             SampledNoise noise = TrainFixtures.noise(batch, 0.6, 6)) {
            model.train(train); // train: the lyric encoder's dropout is live
            TrainingStep step = new TrainingStep(model, new AceStepV1Objective(model.config.sslNames(), 1.0), checkpointing);
            torch.manual_seed(77);
            TrainingStep.Result r = step.run(batch, noise, 1.0, true);
            Map<String, Tensor> grads = new LinkedHashMap<>();
            for (Map.Entry<String, Parameter> e : lora.parameters().entrySet()) {
                Tensor g = Grads.of(e.getValue());
                assertNotNull(g, "every LoRA parameter gets a gradient: " + e.getKey());
                grads.put(e.getKey(), g.clone());
            }
            grads.put("loss", r.losses().total().clone());
            return grads;
        }
    }

    @Test
    void checkpointedGradientsEqualPlainBackpropIncludingEncoderAndRepaTaps() {
        double worst = 0;
        for (boolean train : new boolean[] {false, true}) {
            Map<String, Tensor> plain = gradsOfOneStep(false, train, true);
            Map<String, Tensor> ckpt = gradsOfOneStep(true, train, true);
            assertEquals(plain.keySet(), ckpt.keySet());
            assertEquals(0.0, Tensors.maxAbsDiff(plain.get("loss"), ckpt.get("loss")), 0, "same loss");
            for (String k : plain.keySet()) {
                double diff = Tensors.maxAbsDiff(plain.get(k), ckpt.get(k));
                double rel = diff == 0 ? 0 : diff / Tensors.maxAbs(plain.get(k));
                worst = Math.max(worst, rel);
                assertTrue(rel <= 4e-6, (train ? "train " : "eval ") + k + ": relative difference " + rel);
            }
            // Gradients reach the encode side (speaker, lyric encoder) through the condition leaf.
            assertTrue(Tensors.maxAbs(plain.get("lyric_encoder.encoders.0.self_attn.linear_q.lora_B.weight")) > 0);
            assertTrue(Tensors.maxAbs(plain.get("transformer_blocks.0.cross_attn.to_k.lora_A.weight")) > 0);
        }
        System.out.printf("checkpointing vs plain backprop: worst relative gradient difference %.2e%n", worst);
    }

    @Test
    void withoutRepaTapsCheckpointedBlockGradientsAreBitIdentical() {
        Map<String, Tensor> plain = gradsOfOneStep(false, false, false);
        Map<String, Tensor> ckpt = gradsOfOneStep(true, false, false);
        for (String k : plain.keySet()) {
            if (!k.startsWith("transformer_blocks.")) continue; // the encode side sums per-block condition gradients
            assertEquals(0.0, Tensors.maxAbsDiff(plain.get(k), ckpt.get(k)), 0, k);
        }
    }

    /** A block that draws random numbers (dropout): without the generator replay its recompute would differ. */
    @Test
    void recomputeReplaysTheRandomGeneratorOfDropoutBlocks() {
        torch.manual_seed(1);
        Tensor w = torch.randn(8, 8).mul(new Scalar(0.3));
        w.set_requires_grad(true);
        BlockRunner.Block block = (i, h) -> torch.dropout(torch.tanh(h.matmul(w)), 0.5, true);
        Tensor x = torch.randn(3, 8);

        torch.manual_seed(42);
        Tensor plainOut = BlockRunner.PLAIN.run(4, block, x, new int[0], new HashMap<>());
        plainOut.sum().backward();
        Tensor plainGrad = w.grad().clone();
        w.mutable_grad().put(new Tensor());

        torch.manual_seed(42);
        CheckpointedBlocks ckpt = new CheckpointedBlocks(dev.lofilora.tensor.Devices.cpu());
        Tensor out = ckpt.run(4, block, x, new int[0], new HashMap<>());
        assertEquals(0.0, Tensors.maxAbsDiff(plainOut, out), 0, "same forward");
        out.sum().backward();
        Tensor afterForward = torch.rand(1);
        ckpt.backward();
        assertEquals(0.0, Tensors.maxAbsDiff(plainGrad, w.grad()), 0, "same gradient with dropout");
        // The generator is back where it was before backward: the next draw continues the forward's sequence.
        double next = torch.rand(1).item_double();
        assertEquals(afterNext(42, block, x), next, 0);
    }

    private static double afterNext(long seed, BlockRunner.Block block, Tensor x) {
        torch.manual_seed(seed);
        BlockRunner.PLAIN.run(4, block, x, new int[0], new HashMap<>());
        torch.rand(1);
        return torch.rand(1).item_double();
    }
}
