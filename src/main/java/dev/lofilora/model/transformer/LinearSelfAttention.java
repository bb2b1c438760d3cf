package dev.lofilora.model.transformer;

import dev.lofilora.nn.F;
import dev.lofilora.nn.Linear;
import dev.lofilora.nn.Module;
import dev.lofilora.nn.ModuleList;
import dev.lofilora.nn.NoParams;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * A block's {@code attn}: diffusers {@code Attention(query_dim=D, heads=H, dim_head=d, bias=True)} run by ACE-Step's
 * {@code CustomLiteLAProcessor2_0} — ReLU linear attention (Sana LiteLA), research/acestep.md §2.4. No softmax and no
 * scale; q, k, v are multiplied by the latent mask; the two matmuls and the normalising division (eps 1e-15) run in
 * fp32 whatever the model dtype, the result is cast back before {@code to_out.0}.
 */
public final class LinearSelfAttention extends Module {
    /** The normaliser's epsilon, as in the original processor. */
    public static final double EPS = 1e-15;

    public final int heads;
    public final int headDim;
    public final Linear to_q;
    public final Linear to_k;
    public final Linear to_v;
    public final ModuleList<Module> to_out;
    private final Linear out;

    public LinearSelfAttention(int dim, int heads, int headDim) {
        this.heads = heads;
        this.headDim = headDim;
        int inner = heads * headDim;
        to_q = module("to_q", new Linear(dim, inner, true));
        to_k = module("to_k", new Linear(dim, inner, true));
        to_v = module("to_v", new Linear(dim, inner, true));
        out = new Linear(inner, dim, true);
        to_out = module("to_out", ModuleList.of(out, new NoParams("dropout")));
    }

    /**
     * x [B, T, D] (already normalised and modulated), mask [B, T] float (1 = valid) or null, cos/sin [T, d] in x's
     * dtype → [B, T, D] (before the block's gate).
     */
    public Tensor forward(Tensor x, Tensor mask, Tensor cos, Tensor sin) {
        long b = x.size(0), t = x.size(1);
        ScalarType dtype = x.scalar_type();
        Tensor q = to_q.forward(x).transpose(-1, -2).reshape(b, heads, headDim, t);                    // [B, H, d, T]
        Tensor k = to_k.forward(x).transpose(-1, -2).reshape(b, heads, headDim, t).transpose(-1, -2);  // [B, H, T, d]
        Tensor v = to_v.forward(x).transpose(-1, -2).reshape(b, heads, headDim, t);                    // [B, H, d, T]

        q = RotaryEmbedding.apply(q.permute(0, 1, 3, 2), cos, sin).permute(0, 1, 3, 2);              // RoPE on [B, H, T, d]
        k = RotaryEmbedding.apply(k, cos, sin);

        if (mask != null) {
            Tensor m = mask.unsqueeze(1).unsqueeze(3).to(k.scalar_type());                             // [B, 1, T, 1]
            Tensor mt = m.permute(0, 1, 3, 2);                                                         // [B, 1, 1, T]
            q = q.mul(mt);
            k = k.mul(m);
            v = v.mul(mt);
        }
        q = F.relu(q).to(ScalarType.Float);
        k = F.relu(k).to(ScalarType.Float);
        v = v.to(ScalarType.Float);

        Tensor vPad = torch.constant_pad_nd(v, new long[] {0, 0, 0, 1}, Ops.s(1.0));                 // [B, H, d+1, T] ones row
        Tensor vk = torch.matmul(vPad, k);                                                             // [B, H, d+1, d]
        Tensor o = torch.matmul(vk, q);                                                                // [B, H, d+1, T]
        Tensor num = o.narrow(2, 0, headDim);                                                          // [B, H, d, T]
        Tensor den = o.narrow(2, headDim, 1).add(Ops.s(EPS));                                          // [B, H, 1, T]
        Tensor h = num.div(den).view(b, (long) heads * headDim, t).permute(0, 2, 1);                  // [B, T, H·d]
        if (!Ops.sameType(h, dtype)) h = h.to(dtype);
        return out.forward(h);
    }
}
