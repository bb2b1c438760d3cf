package dev.lofilora.train;

import dev.lofilora.model.transformer.ACEStepTransformer2DModel;
import dev.lofilora.model.transformer.BlockRunner;
import dev.lofilora.nn.Capture;
import org.bytedeco.pytorch.BoolOptional;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

import java.util.List;
import java.util.Map;

/**
 * Forward and backward of one training micro-batch on the transformer with a LoRA attached: noise the latent
 * ({@link TrainingObjective#noisyInput}), {@code encode} the conditions with grad (the speaker embedder and the lyric
 * encoder carry LoRA layers), {@code decode} with or without gradient checkpointing, compute the losses, backpropagate
 * {@code total · lossScale}. The condition sequence enters {@code decode} as a detached leaf whose gradient (summed
 * over all blocks) is pushed back through {@code encode} once at the end, so checkpointing and plain backprop share
 * one code path. Gradients accumulate in the LoRA parameters' {@code .grad}; nothing is stepped here.
 *
 * <p>Runs in the caller's thread and {@link org.bytedeco.javacpp.PointerScope}: the intermediates of the step are
 * released when the caller's step scope closes.
 */
public final class TrainingStep {
    private final ACEStepTransformer2DModel model;
    private final TrainingObjective objective;
    private final boolean checkpointing;

    public TrainingStep(ACEStepTransformer2DModel model, TrainingObjective objective, boolean checkpointing) {
        this.model = model;
        this.objective = objective;
        this.checkpointing = checkpointing;
    }

    /**
     * What a step computed, for logging and conformance: the noisy input, the model output (sample and REPA
     * projections) and the losses, all detached.
     */
    public record Result(Tensor noisy, ACEStepTransformer2DModel.Output output, LossTerms losses) {
        public double total() { return losses.total().item_double(); }
    }

    /**
     * Runs the step.
     *
     * @param batch     the inputs
     * @param noise     noise, σ and t for the batch
     * @param lossScale the factor applied before backward (1/accumulation steps, as Lightning does)
     * @param backward  false for a forward-only evaluation (nothing is backpropagated; run it under a
     *                  {@code NoGradGuard} to build no graph either)
     */
    public Result run(TrainBatch batch, SampledNoise noise, double lossScale, boolean backward) {
        return run(batch, noise, lossScale, backward, Capture.NONE);
    }

    /**
     * {@link #run(TrainBatch, SampledNoise, double, boolean)} recording the model's intermediates into
     * {@code capture} (an active capture also keeps every temporary alive until the caller's scope closes).
     */
    public Result run(TrainBatch batch, SampledNoise noise, double lossScale, boolean backward, Capture capture) {
        Tensor x0 = batch.latents();
        Tensor noisy = objective.noisyInput(x0, noise.noise(), noise.sigmas());               // [B, C, H, T] fp32
        Map<String, List<Tensor>> ssl = batch.hasSsl(model.config.sslNames())
                ? batch.ssl() : Map.of();
        ACEStepTransformer2DModel.Encoded encoded = model.encode(batch.textStates(), batch.textMask(),
                batch.speaker(), batch.lyricIds(), batch.lyricMask(), capture);
        Tensor conditions = encoded.hiddenStates();                                           // [B, S, D]
        Tensor leaf = conditions.detach();
        boolean conditionsTrain = backward && conditions.requires_grad();
        if (conditionsTrain) leaf.set_requires_grad(true);
        BlockRunner runner = checkpointing && backward ? new CheckpointedBlocks(model.device()) : BlockRunner.PLAIN;
        ACEStepTransformer2DModel.Output out = model.decode(noisy, batch.attentionMask(),
                new ACEStepTransformer2DModel.Encoded(leaf, encoded.mask()), noise.timesteps(), !ssl.isEmpty(),
                x0.size(-1), capture, runner);
        LossTerms losses = objective.losses(out, noisy, x0, noise.sigmas(), batch.attentionMask(), ssl);
        if (backward) {
            Tensor scaled = lossScale == 1.0 ? losses.total() : losses.total().mul(new Scalar(lossScale));
            scaled.backward();
            if (runner instanceof CheckpointedBlocks c) c.backward();
            if (conditionsTrain) {
                Tensor g = leaf.grad();
                if (g.defined()) {
                    torch.backward(new TensorVector(conditions), new TensorVector(g), new BoolOptional(false), false,
                            new TensorVector());
                }
            }
        }
        return new Result(noisy, new ACEStepTransformer2DModel.Output(out.sample().detach(),
                out.sslProjections().stream().map(Tensor::detach).toList()),
                new LossTerms(losses.total().detach(), losses.denoising().detach(),
                        detach(losses.projection())));
    }

    private static Map<String, Tensor> detach(Map<String, Tensor> m) {
        Map<String, Tensor> out = new java.util.LinkedHashMap<>();
        m.forEach((k, v) -> out.put(k, v.detach()));
        return out;
    }

    public boolean checkpointing() { return checkpointing; }
}
