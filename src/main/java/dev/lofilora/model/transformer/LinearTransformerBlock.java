package dev.lofilora.model.transformer;

import dev.lofilora.nn.Capture;
import dev.lofilora.nn.Module;
import dev.lofilora.nn.NoParams;
import dev.lofilora.nn.Parameter;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;

/**
 * {@code LinearTransformerBlock} (Sana block with adaLN-single), research/acestep.md §2.4, in the original order:
 * <pre>
 *   shift/scale/gate (msa), shift/scale/gate (mlp) = scale_shift_table + temb.reshape(B, 6, D)
 *   h = h + gate_msa · attn(norm1(h)·(1+scale_msa)+shift_msa)
 *   h = h + cross_attn(h, conditions)                    (no norm, no modulation, no gate)
 *   h = h + gate_mlp · ff(norm2(h)·(1+scale_mlp)+shift_mlp)
 * </pre>
 */
public final class LinearTransformerBlock extends Module {
    private static final double NORM_EPS = 1e-6;

    public final Parameter scale_shift_table;
    public final LinearSelfAttention attn;
    public final CrossAttention cross_attn;
    public final GLUMBConv ff;
    private final int dim;

    public LinearTransformerBlock(int dim, int heads, int headDim, int ffnHidden) {
        this.dim = dim;
        module("norm1", new NoParams("rms_norm"));
        attn = module("attn", new LinearSelfAttention(dim, heads, headDim));
        cross_attn = module("cross_attn", new CrossAttention(dim, dim, heads, headDim));
        module("norm2", new NoParams("rms_norm"));
        ff = module("ff", new GLUMBConv(dim, ffnHidden));
        scale_shift_table = parameter("scale_shift_table", 6, dim);
    }

    /**
     * h [B, T, D]; mask [B, T]; enc [B, S, D]; encMask [B, S]; rope = {cos, sin} [T, d] and encRope [S, d] in the
     * model dtype; temb [B, 6D]. Records "attn", "cross_attn" and "ff" (raw, before gates) into {@code capture}.
     */
    public Tensor forward(Tensor h, Tensor mask, Tensor enc, Tensor encMask, Tensor[] rope, Tensor[] encRope,
                          Tensor temb, Capture capture) {
        long b = h.size(0);
        TensorVector mod = scale_shift_table.value().unsqueeze(0).add(temb.reshape(b, 6, dim)).chunk(6, 1); // 6 × [B, 1, D]
        Tensor shiftMsa = mod.get(0), scaleMsa = mod.get(1), gateMsa = mod.get(2);
        Tensor shiftMlp = mod.get(3), scaleMlp = mod.get(4), gateMlp = mod.get(5);

        // Each part runs in its own scope, so its temporaries (those autograd does not keep) are freed as it returns,
        // not when the block does: in training that bounds the transient memory to one part's temporaries. An active
        // capture keeps everything (as decode does), which is also how benchmarks count the ops of a step.
        boolean scoped = !capture.active();
        Tensor h0 = h;
        Tensor a = Ops.scoped(scoped, () -> attn.forward(
                RmsNorms.diffusers(h0, NORM_EPS).mul(scaleMsa.add(Ops.s(1))).add(shiftMsa), mask, rope[0], rope[1]));
        capture.put("attn", a);
        Tensor h1 = gateMsa.mul(a).add(h);

        Tensor c = Ops.scoped(scoped, () -> cross_attn.forward(h1, mask, enc, encMask, rope[0], rope[1], encRope[0],
                encRope[1]));
        capture.put("cross_attn", c);
        Tensor h2 = c.add(h1);

        Tensor f = Ops.scoped(scoped, () -> ff.forward(
                RmsNorms.diffusers(h2, NORM_EPS).mul(scaleMlp.add(Ops.s(1))).add(shiftMlp)));
        capture.put("ff", f);
        return h2.add(gateMlp.mul(f));
    }
}
