package dev.lofilora.metrics.clap;

import dev.lofilora.nn.F;
import dev.lofilora.nn.Linear;
import dev.lofilora.nn.Module;
import dev.lofilora.nn.Parameter;
import dev.lofilora.tensor.Tensors;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;

/**
 * Swin's window attention with a relative position bias (htsat.py {@code WindowAttention}): {@code q·scale @ kᵀ}
 * plus {@code relative_position_bias_table[relative_position_index]}, plus the shifted-window mask when given, then
 * softmax and {@code @ v}. The ops are kept in the original's order (scale before the product) so float32 rounding
 * follows it.
 */
final class WindowAttention extends Module {
    final Parameter relative_position_bias_table; // [(2w−1)², heads]
    final Parameter relative_position_index;      // [w², w²] int64 buffer
    final Linear qkv;
    final Linear proj;
    private final int dim;
    private final int heads;
    private final int window;
    private final double scale;

    WindowAttention(int dim, int window, int heads, boolean qkvBias) {
        this.dim = dim;
        this.heads = heads;
        this.window = window;
        this.scale = Math.pow(dim / heads, -0.5);
        relative_position_bias_table = parameter("relative_position_bias_table", (2L * window - 1) * (2L * window - 1), heads);
        relative_position_index = buffer("relative_position_index", relativePositionIndex(window), true);
        qkv = module("qkv", new Linear(dim, 3L * dim, qkvBias));
        proj = module("proj", new Linear(dim, dim, true));
    }

    /** index[i][j] = (Δh + w − 1)·(2w − 1) + (Δw + w − 1) for tokens i, j of a w×w window (row-major). */
    static Tensor relativePositionIndex(int w) {
        int n = w * w;
        long[] idx = new long[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                int dh = i / w - j / w + w - 1, dw = i % w - j % w + w - 1;
                idx[i * n + j] = (long) dh * (2 * w - 1) + dw;
            }
        }
        return Tensors.fromLongArray(idx, n, n);
    }

    /** x [nW·B, N, C], mask [nW, N, N] (0 / −100) or null → [nW·B, N, C]. */
    Tensor forward(Tensor x, Tensor mask) {
        long b = x.size(0), n = x.size(1);
        Tensor qkvOut = qkv.forward(x).reshape(b, n, 3, heads, dim / heads).permute(2, 0, 3, 1, 4); // [3, B_, h, N, d]
        Tensor q = qkvOut.select(0, 0).mul(new Scalar(scale));
        Tensor k = qkvOut.select(0, 1);
        Tensor v = qkvOut.select(0, 2);
        Tensor attn = q.matmul(k.transpose(-2, -1));                                          // [B_, h, N, N]
        Tensor bias = relative_position_bias_table.value().index_select(0, relative_position_index.value().view(-1))
                .view(n, n, -1).permute(2, 0, 1).contiguous();                                 // [h, N, N]
        attn = attn.add(bias.unsqueeze(0));
        if (mask != null) {
            long nw = mask.size(0);
            attn = attn.view(b / nw, nw, heads, n, n).add(mask.unsqueeze(1).unsqueeze(0)).view(-1, heads, n, n);
        }
        attn = F.softmax(attn, -1);
        Tensor out = attn.matmul(v).transpose(1, 2).reshape(b, n, dim);                        // [B_, N, C]
        return proj.forward(out);
    }

    int window() { return window; }
}
