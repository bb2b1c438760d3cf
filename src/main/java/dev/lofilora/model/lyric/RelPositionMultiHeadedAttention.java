package dev.lofilora.model.lyric;

import dev.lofilora.nn.BatchDropout;
import dev.lofilora.nn.F;
import dev.lofilora.nn.Linear;
import dev.lofilora.nn.Module;
import dev.lofilora.nn.Parameter;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

/**
 * Transformer-XL style multi-head self-attention with relative positions, as in WeNet/CosyVoice
 * (research/acestep.md §2.6):
 * {@code scores = ((q+u)·kᵀ + rel_shift((q+v)·pᵀ)) / √d_k} with {@code p = linear_pos(pos_emb)}; padded keys are −inf
 * before the softmax and 0 after it, so a query row with no valid key gets zero weights instead of NaN; padded
 * queries are not masked. Keys: {@code pos_bias_u, pos_bias_v [h, d_k]}, {@code linear_q/k/v/out.weight/bias},
 * {@code linear_pos.weight} (no bias). The q/k/v projections are {@link Linear} modules with exactly the reference
 * names, which is what LoRA targeting matches on.
 */
public final class RelPositionMultiHeadedAttention extends Module {
    public final int heads;
    public final int headDim;
    public final Parameter posBiasU;
    public final Parameter posBiasV;
    public final Linear linearQ;
    public final Linear linearK;
    public final Linear linearV;
    public final Linear linearOut;
    public final Linear linearPos;
    private final double dropoutRate;

    public RelPositionMultiHeadedAttention(int heads, int dim, double dropoutRate) {
        if (dim % heads != 0) throw new IllegalArgumentException(dim + " is not divisible by " + heads + " heads");
        this.heads = heads;
        this.headDim = dim / heads;
        this.dropoutRate = dropoutRate;
        this.posBiasU = parameter("pos_bias_u", heads, headDim);
        this.posBiasV = parameter("pos_bias_v", heads, headDim);
        this.linearQ = module("linear_q", new Linear(dim, dim, true));
        this.linearK = module("linear_k", new Linear(dim, dim, true));
        this.linearV = module("linear_v", new Linear(dim, dim, true));
        this.linearOut = module("linear_out", new Linear(dim, dim, true));
        this.linearPos = module("linear_pos", new Linear(dim, dim, false));
    }

    /**
     * @param x          [B, N, d]
     * @param keyPadding bool [B, 1, 1, N], true where the key is padding
     * @param posEmb     [1, 2N−1, d] relative position table (centre slice)
     * @return [B, N, d]
     */
    public Tensor forward(Tensor x, Tensor keyPadding, Tensor posEmb) {
        long b = x.size(0), n = x.size(1);
        Tensor q = linearQ.forward(x).view(b, n, heads, headDim);                       // [B, N, h, dk]
        Tensor k = linearK.forward(x).view(b, n, heads, headDim).transpose(1, 2);      // [B, h, N, dk]
        Tensor v = linearV.forward(x).view(b, n, heads, headDim).transpose(1, 2);      // [B, h, N, dk]
        Tensor p = linearPos.forward(posEmb).view(posEmb.size(0), -1, heads, headDim)
                .transpose(1, 2);                                                      // [1, h, 2N−1, dk]

        Tensor qu = q.add(posBiasU.value()).transpose(1, 2);                           // [B, h, N, dk]
        Tensor qv = q.add(posBiasV.value()).transpose(1, 2);                           // [B, h, N, dk]
        Tensor ac = torch.matmul(qu, k.transpose(-2, -1));                             // [B, h, N, N]
        Tensor bd = torch.matmul(qv, p.transpose(-2, -1));                             // [B, h, N, 2N−1]
        if (bd.size(-1) != ac.size(-1)) bd = relShift(bd);                             // [B, h, N, N]
        // Division by the Python float √d_k (not a multiply by its reciprocal): same rounding as the reference.
        Tensor scores = ac.add(bd).div(new Scalar(Math.sqrt(headDim)));

        Tensor masked = scores.masked_fill(keyPadding, new Scalar(Double.NEGATIVE_INFINITY));
        // A row whose keys are all padding is NaN after the softmax; the second fill turns it into zeros (§2.6).
        Tensor attn = F.softmax(masked, -1).masked_fill(keyPadding, new Scalar(0.0));  // [B, h, N, N]
        if (dropoutRate > 0) attn = BatchDropout.apply(attn, dropoutRate, isTraining());
        Tensor ctx = torch.matmul(attn, v)                                             // [B, h, N, dk]
                .transpose(1, 2).contiguous().view(b, n, (long) heads * headDim);      // [B, N, d]
        return linearOut.forward(ctx);
    }

    /**
     * ESPnet's rel_shift: realigns [.., N, 2N−1] scores indexed by relative position (N−1 … −(N−1)) so that column j
     * of row i holds relative position i−j. Prepend a zero column, view as [2N, N], drop the first row, view back
     * and keep the first N columns.
     */
    static Tensor relShift(Tensor x) {
        long b = x.size(0), h = x.size(1), n = x.size(2), m = x.size(3);
        Tensor zeroPad = x.new_zeros(b, h, n, 1);                                       // same dtype, device
        Tensor padded = torch.cat(new TensorVector(zeroPad, x), -1)                   // [B, h, N, 2N]
                .view(b, h, m + 1, n);                                                 // [B, h, 2N, N]
        return padded.narrow(2, 1, m).view(b, h, n, m)                                 // [B, h, N, 2N−1]
                .narrow(3, 0, m / 2 + 1);                                              // [B, h, N, N]
    }
}
