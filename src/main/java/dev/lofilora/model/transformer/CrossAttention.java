package dev.lofilora.model.transformer;

import dev.lofilora.nn.F;
import dev.lofilora.nn.Linear;
import dev.lofilora.nn.Module;
import dev.lofilora.nn.ModuleList;
import dev.lofilora.nn.NoParams;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * A block's {@code cross_attn}: diffusers {@code Attention(cross_attention_dim=D, added_kv_proj_dim=D,
 * context_pre_only=False, bias=True)} run by ACE-Step's {@code CustomerAttnProcessor2_0} (research/acestep.md §2.4).
 * It owns {@code add_k_proj, add_v_proj, add_q_proj, to_add_out} too — dead weights the processor never uses, kept
 * so the checkpoint loads by name. Softmax SDPA (scale 1/√d) with RoPE on q (latent positions) and k (condition
 * positions 0…S−1); the 0/−inf mask is {@code latent_mask ⊗ condition_mask}. Latent rows with no valid key (padded
 * frames) give 0, as torch ≥ 2.5 does; they are zeroed explicitly so no backend can leave a NaN there.
 */
public final class CrossAttention extends Module {
    public final int heads;
    public final int headDim;
    public final Linear to_q;
    public final Linear to_k;
    public final Linear to_v;
    public final Linear add_k_proj;
    public final Linear add_v_proj;
    public final Linear add_q_proj;
    public final ModuleList<Module> to_out;
    public final Linear to_add_out;
    private final Linear out;

    public CrossAttention(int dim, int crossDim, int heads, int headDim) {
        this.heads = heads;
        this.headDim = headDim;
        int inner = heads * headDim;
        to_q = module("to_q", new Linear(dim, inner, true));
        to_k = module("to_k", new Linear(crossDim, inner, true));
        to_v = module("to_v", new Linear(crossDim, inner, true));
        add_k_proj = module("add_k_proj", new Linear(crossDim, inner, true));
        add_v_proj = module("add_v_proj", new Linear(crossDim, inner, true));
        add_q_proj = module("add_q_proj", new Linear(crossDim, inner, true));
        out = new Linear(inner, dim, true);
        to_out = module("to_out", ModuleList.of(out, new NoParams("dropout")));
        to_add_out = module("to_add_out", new Linear(inner, dim, true));
    }

    /**
     * x [B, T, D] (the raw residual stream: no norm, no modulation), mask [B, T] float, enc [B, S, D], encMask [B, S]
     * float; cos/sin [T, d] and encCos/encSin [S, d] in the model dtype → [B, T, D] (added without a gate).
     */
    public Tensor forward(Tensor x, Tensor mask, Tensor enc, Tensor encMask,
                          Tensor cos, Tensor sin, Tensor encCos, Tensor encSin) {
        long b = x.size(0);
        Tensor q = to_q.forward(x).view(b, -1, heads, headDim).transpose(1, 2);     // [B, H, T, d]
        Tensor k = to_k.forward(enc).view(b, -1, heads, headDim).transpose(1, 2);   // [B, H, S, d]
        Tensor v = to_v.forward(enc).view(b, -1, heads, headDim).transpose(1, 2);   // [B, H, S, d]
        q = RotaryEmbedding.apply(q, cos, sin);
        k = RotaryEmbedding.apply(k, encCos, encSin);

        Tensor combined = mask.unsqueeze(2).mul(encMask.unsqueeze(1));              // [B, T, S]
        Tensor valid = combined.eq(Ops.s(1));
        Tensor additive = torch.where(valid, Ops.s(0.0), Ops.s(Double.NEGATIVE_INFINITY))
                .unsqueeze(1).expand(-1, heads, -1, -1).to(q.scalar_type());         // [B, H, T, S]
        Tensor h = F.sdpa(q, k, v, additive);                                        // [B, H, T, d]
        Tensor rowEmpty = valid.any(-1).logical_not().unsqueeze(1).unsqueeze(3);     // [B, 1, T, 1]
        h = h.masked_fill(rowEmpty, Ops.s(0.0));
        h = h.transpose(1, 2).reshape(b, -1, (long) heads * headDim);               // [B, T, H·d]
        return out.forward(h);
    }
}
