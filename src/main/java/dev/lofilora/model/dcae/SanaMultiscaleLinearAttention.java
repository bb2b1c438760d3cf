package dev.lofilora.model.dcae;

import dev.lofilora.nn.F;
import dev.lofilora.nn.Linear;
import dev.lofilora.nn.Module;
import dev.lofilora.nn.ModuleList;
import dev.lofilora.nn.Scoped;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

import java.util.List;

/**
 * diffusers {@code SanaMultiscaleLinearAttention} with {@code SanaMultiscaleAttnProcessor2_0} (v0.33.1), residual on,
 * RMSNorm output norm. q, k, v are 1×1 projections; each multiscale branch adds a convolved copy of [q; k; v]; the
 * heads of all branches attend separately. ReLU on q and k; the linear branch pads v with a row of ones, computes
 * {@code (v·kᵀ)·q} in float32 and divides by that last row + 1e-15. diffusers switches to the quadratic branch when
 * H·W ≤ head_dim (golden codecs README, fact 4); both are here.
 */
public final class SanaMultiscaleLinearAttention extends Module {
    private static final double EPS = 1e-15;

    private final int headDim;
    public final Linear to_q;
    public final Linear to_k;
    public final Linear to_v;
    public final ModuleList<SanaMultiscaleAttentionProjection> to_qkv_multiscale;
    public final Linear to_out;
    public final RMSNorm norm_out;

    public SanaMultiscaleLinearAttention(int channels, int headDim, List<Integer> kernelSizes) {
        this.headDim = headDim;
        int heads = channels / headDim;                       // int(in // head_dim * mult), mult 1.0
        int inner = heads * headDim;
        to_q = module("to_q", new Linear(channels, inner, false));
        to_k = module("to_k", new Linear(channels, inner, false));
        to_v = module("to_v", new Linear(channels, inner, false));
        to_qkv_multiscale = module("to_qkv_multiscale", new ModuleList<>());
        for (int k : kernelSizes) to_qkv_multiscale.add(new SanaMultiscaleAttentionProjection(inner, heads, k));
        to_out = module("to_out", new Linear((long) inner * (1 + kernelSizes.size()), channels, false));
        norm_out = module("norm_out", new RMSNorm(channels, 1e-5));
    }

    /** x [B, C, H, W] → [B, C, H, W]. */
    public Tensor forward(Tensor x) {
        return Scoped.run(() -> {
            long b = x.size(0), h = x.size(2), w = x.size(3);
            boolean linear = h * w > headDim;
            ScalarType dtype = x.scalar_type();
            // contiguous before the projections: a Linear on the strided movedim view falls into a per-row matmul
            Tensor hs = x.movedim(1, -1).contiguous();                                      // [B, H, W, C]
            TensorVector parts = new TensorVector(to_q.forward(hs), to_k.forward(hs), to_v.forward(hs));
            Tensor qkv = torch.cat(parts, 3).movedim(-1, 1);                                // [B, 3·inner, H, W]
            TensorVector scales = new TensorVector(qkv);
            for (SanaMultiscaleAttentionProjection p : to_qkv_multiscale.items()) scales.push_back(p.forward(qkv));
            Tensor all = torch.cat(scales, 1);                                              // [B, 3·inner·(1+n), H, W]
            if (linear) all = all.to(ScalarType.Float);
            all = all.reshape(b, -1, 3L * headDim, h * w);                                  // [B, h', 3d, N]
            TensorVector qkvs = all.chunk(3, 2);
            Tensor q = F.relu(qkvs.get(0));                                                 // [B, h', d, N]
            Tensor k = F.relu(qkvs.get(1));
            Tensor v = qkvs.get(2);
            Tensor out = linear ? linearAttention(q, k, v).to(dtype) : quadraticAttention(q, k, v);
            out = out.reshape(b, -1, h, w);                                                 // [B, inner·(1+n), H, W]
            out = to_out.forward(out.movedim(1, -1).contiguous()).movedim(-1, 1);           // [B, C, H, W]
            return norm_out.forwardChannels(out).add(x);
        });
    }

    private static Tensor linearAttention(Tensor q, Tensor k, Tensor v) {
        Tensor vp = torch.constant_pad_nd(v, new long[] {0, 0, 0, 1}, new Scalar(1.0));   // [B, h', d+1, N]
        Tensor scores = torch.matmul(vp, k.transpose(-1, -2));                             // [B, h', d+1, d]
        Tensor hs = torch.matmul(scores, q).to(ScalarType.Float);                          // [B, h', d+1, N]
        long d1 = hs.size(2);
        return hs.narrow(2, 0, d1 - 1).div(hs.narrow(2, d1 - 1, 1).add(new Scalar(EPS)));  // [B, h', d, N]
    }

    private static Tensor quadraticAttention(Tensor q, Tensor k, Tensor v) {
        Tensor scores = torch.matmul(k.transpose(-1, -2), q).to(ScalarType.Float);        // [B, h', N, N]
        scores = scores.div(scores.sum(new long[] {2}, true, new ScalarTypeOptional()).add(new Scalar(EPS)));
        return torch.matmul(v, scores.to(v.scalar_type()));                                // [B, h', d, N]
    }
}
