package dev.lofilora.train;

import dev.lofilora.lora.LoraConfig;
import dev.lofilora.lora.LoraModel;
import dev.lofilora.model.transformer.ACEStepTransformer2DModel;
import dev.lofilora.model.transformer.AceStepConfig;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code lofi plan-memory}: the memory of a training step from the config alone (nothing is allocated: parameter
 * counts come from the model and adapter built on the meta device).
 *
 * <p>Activations are an inventory of the tensors autograd keeps per op of this code base's forward (which ops save
 * their input or output for backward, given which inputs require grad), written per transformer block as multiples
 * of BTD (batch × frames × width), BTF (the GLUMBConv hidden width F), BTr (LoRA rank) and BTS (condition length):
 * <pre>
 *   fp32 base: (13 + 2/d)·BTD·4 + 8·BTF·4 + 6·BTr·4 + 2.5·BTS·4 bytes per block
 *   bf16 base: (12 + 2/d)·BTD·4 + 7·BTD·2 + 8·BTF·2 + 6·BTr·4 + 2.5·BTS·4  (the fp32 islands: RMSNorm variance,
 *              RoPE and linear attention in fp32, and PEFT's cast of each LoRA input to the adapter's fp32)
 * </pre>
 * (the 13: block input, norm/modulation outputs kept by the LoRA input casts, ReLU'd q and k, the ones-padded v and
 * the attention product, the to_out inputs, the cross-attention's RoPE'd query and output, the residuals; the 8·BTF:
 * the GLUMBConv's 2F-wide conv outputs and SiLUs and its F-wide gate and product). Measured on the CPU (VmHWM,
 * fixed malloc mmap threshold) the per-block figure is within 3 % for widths 256–512, mlp ratio 2.5–5, ranks 16–64,
 * head sizes 32–64, fp32 and bf16. The transient on top is the larger of one block part's temporaries in forward
 * (≈ 5.5·BTD·4: each part of a block runs in its own scope) and the FFN's gradient buffers in backward (2·BTF·2·m);
 * with a bf16 base the backward also holds fp32 gradients of the fp32 islands (RoPE, linear attention, the LoRA
 * casts) together, measured at ≈ 19·BTD·4.
 * With gradient checkpointing the blocks keep only their inputs (BTD·m each) and one block's activations exist at a
 * time.
 *
 * <p>The GPU peak adds the CUDA context and cuBLAS workspaces ({@link #CUDA_CONTEXT}) and 10 % for the caching
 * allocator's rounding and fragmentation: planning figures, to be checked on a GPU.
 */
public final class MemoryPlanner {
    /** CUDA context, cuBLAS/cuDNN workspaces: an allowance, not a measurement. */
    public static final long CUDA_CONTEXT = 700L << 20;
    /** Caching-allocator overhead allowance on the GPU. */
    public static final double CUDA_ALLOCATOR_OVERHEAD = 0.10;

    /** What to plan for. */
    public record Config(AceStepConfig model, LoraConfig lora, int batch, long frames, int textTokens, int lyricTokens,
                         String precision, boolean checkpointing, boolean repa) {
        /** ACE-Step's latent frames for {@code seconds} of 48 kHz audio: ⌈⌈L·147/160⌉ / 4096⌉ (research §3.5). */
        public static long framesFor(double seconds) {
            long samples48 = Math.round(seconds * 48_000);
            long samples441 = (samples48 * 147 + 159) / 160;
            return (samples441 + 4095) / 4096;
        }
    }

    /**
     * The plan, in bytes.
     *
     * @param parameters  base model parameters and LoRA parameters (counts)
     * @param parts       every component in bytes, in order (weights, adapter, gradients, optimiser, activations…)
     * @param activations the saved activations at the peak
     * @param temporaries temporaries on top of them
     * @param trainingPeak the step's memory beyond the loaded model and adapter (what a CPU measurement over the
     *                    post-load baseline sees: gradients + activations + transient)
     * @param cpuPeak     everything resident for training on the CPU
     * @param gpuPeak     the planned GPU peak
     */
    public record Plan(Config config, long baseParameters, long loraParameters, int loraLayers, Map<String, Long> parts,
                       long activations, long temporaries, long trainingPeak, long cpuPeak, long gpuPeak) {}

    private MemoryPlanner() {}

    public static Plan plan(Config c) {
        AceStepConfig m = c.model();
        long baseParams, loraParams;
        int loraLayers;
        try (ACEStepTransformer2DModel meta = new ACEStepTransformer2DModel(m, false);
             LoraModel lora = LoraModel.inject(meta, c.lora())) {
            loraParams = lora.parameterCount();
            loraLayers = lora.layers().size();
            baseParams = meta.parameterCount() - loraParams;
        }
        boolean bf16 = c.precision().equals("bf16");
        double mb = bf16 ? 2 : 4; // model dtype bytes
        double b = c.batch(), t = c.frames(), d = m.width(), f = m.ffnHidden(), r = c.lora().r();
        double hd = m.attentionHeadDim();
        double s = 1 + c.textTokens() + c.lyricTokens();
        double btd = b * t * d, btf = b * t * f;
        int layers = m.numLayers();

        double perBlock = (bf16 ? (12 + 2 / hd) * btd * 4 + 7 * btd * 2 : (13 + 2 / hd) * btd * 4)
                + 8 * btf * mb + 6 * b * t * r * 4 + 2.5 * b * t * s * 4;
        double stored = btd * mb;                                        // a block's input, kept by checkpointing
        double encode = encodeActivations(c, mb);
        double head = b * t * d * 4 * 2 + b * t * m.finalOut() * 4 * 6;  // final RMSNorm input/output, loss tensors
        double repa = 0;
        if (c.repa()) {
            for (int dim : m.sslLatentDims()) repa += b * t * (d * mb + 2 * d * 4 * 3 + dim * 4 * 3);
        }
        double blocks = c.checkpointing() ? layers * stored + perBlock : layers * perBlock;
        double activations = blocks + encode + head + repa;
        double temporaries = Math.max(Math.max(5.5 * btd * 4, 2 * btf * 2 * mb), bf16 ? 19 * btd * 4 : 0);

        Map<String, Long> parts = new LinkedHashMap<>();
        long weights = (long) (baseParams * mb);
        long adapter = loraParams * 4;
        parts.put("base weights (" + c.precision() + ")", weights);
        parts.put("LoRA weights (fp32)", adapter);
        parts.put("LoRA gradients (fp32)", adapter);
        parts.put("AdamW moments (fp32)", 2 * adapter);
        parts.put(c.checkpointing() ? "block inputs kept by checkpointing" : "block activations",
                (long) (c.checkpointing() ? layers * stored : layers * perBlock));
        if (c.checkpointing()) parts.put("one block's activations (recomputed)", (long) perBlock);
        parts.put("encode (condition encoders) activations", (long) encode);
        parts.put("final layer and loss", (long) head);
        if (c.repa()) parts.put("REPA projectors", (long) repa);
        parts.put("transient (temporaries, gradient buffers)", (long) temporaries);
        long trainingPeak = (long) (adapter + activations + temporaries);
        long cpuPeak = weights + 3 * adapter + trainingPeak;
        long gpuPeak = (long) (cpuPeak * (1 + CUDA_ALLOCATOR_OVERHEAD)) + CUDA_CONTEXT;
        return new Plan(c, baseParams, loraParams, loraLayers, parts, (long) activations, (long) temporaries,
                trainingPeak, cpuPeak, gpuPeak);
    }

    /**
     * The condition side, with grad (LoRA on the speaker embedder and the lyric encoder's q, k, v): text and speaker
     * projections, and per Conformer layer its LayerNorms, LoRA inputs, the relative-position attention's score
     * matrices [heads, N, N] and [heads, N, 2N−1], the FFN and the dropout masks of train mode.
     */
    private static double encodeActivations(Config c, double mb) {
        AceStepConfig m = c.model();
        double b = c.batch(), n = c.lyricTokens(), e = m.lyricHiddenSize();
        double h = m.lyricEncoder().attentionHeads(), units = m.lyricEncoder().linearUnits();
        double perLayer = 14 * b * n * e * 4 + 6 * b * h * n * n * 4 + 2 * b * h * n * (2 * n - 1) * 4
                + 3 * b * n * units * 4;
        double s = 1 + c.textTokens() + n;
        return m.lyricEncoder().numBlocks() * perLayer + 4 * b * s * m.width() * mb;
    }
}
