package dev.lofilora.metrics.clap;

import dev.lofilora.nn.LayerNorm;
import dev.lofilora.nn.Linear;
import dev.lofilora.nn.Module;
import dev.lofilora.nn.Parameter;
import dev.lofilora.tensor.Tensors;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * htsat.py {@code SwinTransformerBlock} (eval: no drop path): pre-norm (shifted) window attention and a GELU MLP,
 * each residual. When the feature map is no larger than the window, the window shrinks to it and nothing shifts
 * (HTSAT-base's last stage: 8×8 with window 8). The shift mask ({@code attn_mask}, −100 between tokens of different
 * regions) is a persistent buffer of the shifted blocks only, as in the checkpoints.
 */
final class SwinBlock extends Module {
    final LayerNorm norm1;
    final WindowAttention attn;
    final LayerNorm norm2;
    final Mlp mlp;
    final Parameter attn_mask; // [nW, w², w²] or null
    private final int resolution;
    private final int window;
    private final int shift;

    /** {@code fc1 → GELU (exact) → fc2}. */
    static final class Mlp extends Module {
        final Linear fc1;
        final Linear fc2;

        Mlp(int dim, int hidden) {
            fc1 = module("fc1", new Linear(dim, hidden, true));
            fc2 = module("fc2", new Linear(hidden, dim, true));
        }

        Tensor forward(Tensor x) {
            return fc2.forward(torch.gelu(fc1.forward(x)));
        }
    }

    SwinBlock(int dim, int resolution, int heads, int window, int shift, double mlpRatio, boolean qkvBias) {
        this.resolution = resolution;
        if (resolution <= window) { // htsat.py: "if window size is larger than input resolution, we don't partition"
            shift = 0;
            window = resolution;
        }
        this.window = window;
        this.shift = shift;
        norm1 = module("norm1", new LayerNorm(dim, 1e-5));
        attn = module("attn", new WindowAttention(dim, window, heads, qkvBias));
        norm2 = module("norm2", new LayerNorm(dim, 1e-5));
        mlp = module("mlp", new Mlp(dim, (int) (dim * mlpRatio)));
        attn_mask = shift > 0 ? buffer("attn_mask", shiftMask(resolution, window, shift), true) : null;
    }

    /** The −100/0 mask between the 3×3 regions the cyclic shift creates, per window. */
    static Tensor shiftMask(int res, int w, int s) {
        int[] region = new int[res * res];
        for (int h = 0; h < res; h++) {
            int rh = h < res - w ? 0 : h < res - s ? 1 : 2;
            for (int c = 0; c < res; c++) {
                int rw = c < res - w ? 0 : c < res - s ? 1 : 2;
                region[h * res + c] = rh * 3 + rw;
            }
        }
        int perSide = res / w, nw = perSide * perSide, n = w * w;
        float[] mask = new float[nw * n * n];
        for (int win = 0; win < nw; win++) {
            int h0 = (win / perSide) * w, c0 = (win % perSide) * w;
            for (int i = 0; i < n; i++) {
                int ri = region[(h0 + i / w) * res + c0 + i % w];
                for (int j = 0; j < n; j++) {
                    int rj = region[(h0 + j / w) * res + c0 + j % w];
                    mask[(win * n + i) * n + j] = ri == rj ? 0f : -100f;
                }
            }
        }
        return Tensors.fromFloatArray(mask, nw, n, n);
    }

    /** x [B, H·W, C] → [B, H·W, C]. */
    Tensor forward(Tensor x) {
        long b = x.size(0), c = x.size(2);
        int r = resolution, w = window;
        Tensor h = norm1.forward(x).view(b, r, r, c);                                          // [B, H, W, C]
        if (shift > 0) h = h.roll(new long[] {-shift, -shift}, 1, 2);
        Tensor windows = h.view(b, r / w, w, r / w, w, c).permute(0, 1, 3, 2, 4, 5).contiguous()
                .view(-1, (long) w * w, c);                                                     // [nW·B, w², C]
        Tensor out = attn.forward(windows, attn_mask == null ? null : attn_mask.value());
        h = out.view(b, r / w, r / w, w, w, c).permute(0, 1, 3, 2, 4, 5).contiguous().view(b, r, r, c);
        if (shift > 0) h = h.roll(new long[] {shift, shift}, 1, 2);
        x = x.add(h.view(b, (long) r * r, c));
        return x.add(mlp.forward(norm2.forward(x)));
    }
}
