package dev.lofilora.export.graph;

import dev.lofilora.model.transformer.ACEStepTransformer2DModel;
import dev.lofilora.tensor.Devices;
import org.bytedeco.pytorch.Tensor;

/**
 * ACE-Step's RoPE in a graph (research/acestep.md §2.5): the fp32 cos/sin tables of {@code RotaryEmbedding} for every
 * position up to {@code max_position} stored once and sliced to the sequence length, and {@code apply_rotary_emb}
 * with its adjacent-pair rotation ({@code rot[2i] = −x[2i+1], rot[2i+1] = x[2i]}) as Reshape/Split/Neg/Concat.
 * Tables as data rather than Range/Cos in the graph: the same values as libtorch, bit for bit.
 */
final class Rope {
    private final Emitter e;
    private final String cos;
    private final String sin;
    private final long headDim;

    Rope(Emitter e, ACEStepTransformer2DModel model) {
        this.e = e;
        this.headDim = model.config.attentionHeadDim();
        Tensor[] t = model.rotaryEmbedding().tables(model.config.maxPosition(), Devices.cpu());
        this.cos = e.weightF32("rotary_emb.cos_cached", t[0]);                     // [max_position, d]
        this.sin = e.weightF32("rotary_emb.sin_cached", t[1]);
    }

    /** The (cos, sin) rows [n, d] for positions 0…n−1, n an int64 [1] value. */
    String[] rows(String n) {
        String zero = e.g.ints(0);
        return new String[] {e.slice(cos, 0, zero, n), e.slice(sin, 0, zero, n)};
    }

    /** x [B, H, S, d] → x·cos + rot(x)·sin. */
    String apply(String x, String[] table) {
        String pairs = e.reshape(x, 0, 0, 0, headDim / 2, 2);                         // [B, H, S, d/2, 2]
        String[] ri = e.split(pairs, -1, 2);                                           // real, imag [.., 1]
        String rot = e.reshape(e.concat(-1, e.g.op("Neg", ri[1]), ri[0]), 0, 0, 0, headDim); // [B, H, S, d]
        return e.add(e.mul(x, table[0]), e.mul(rot, table[1]));
    }
}
