package dev.lofilora.model.transformer;

import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

import java.util.HashMap;
import java.util.Map;

/**
 * {@code Qwen2RotaryEmbedding(dim, max_position, base)} and {@code apply_rotary_emb} of ACE-Step
 * (research/acestep.md §2.5). Tables: {@code inv_freq[k] = 1/base^(2k/dim)} in fp32,
 * {@code emb = cat(freqs, freqs)} (half-split layout), cos/sin in fp32. The rotation pairs <em>adjacent</em>
 * elements ({@code x[2i], x[2i+1]}) although the table is half-split, so a pair's two members get different angles —
 * not a clean rotation, but the trained weights depend on it, so it is kept as is.
 *
 * <p>{@code roundTablesToBf16}: ACE-Step's pipeline calls {@code .to(bfloat16)} on the whole transformer, buffers
 * included, so with released weights the cos/sin tables hold bf16-rounded values even when the model later runs in
 * fp32 (DESIGN.md §3.4). Off for conformance (the goldens use the unrounded fp32 cache).
 *
 * <p>Tables are computed on demand per device and cached (held outside any caller's {@code PointerScope});
 * {@link #close()} frees them. Rows are position-wise identical to slicing the original 32768-row cache. Beyond
 * {@code max_position} (32768 frames, about 50 minutes) the original rebuilds its cache in the input's dtype; here the
 * rows stay fp32 — identical for fp32 models, marginally more precise for bf16 ones.
 */
public final class RotaryEmbedding implements AutoCloseable {
    private final int dim;
    private final double base;
    private final boolean roundTablesToBf16;
    private final Map<String, Tensor[]> cache = new HashMap<>();

    public RotaryEmbedding(int dim, double base, boolean roundTablesToBf16) {
        this.dim = dim;
        this.base = base;
        this.roundTablesToBf16 = roundTablesToBf16;
    }

    public boolean roundsTablesToBf16() { return roundTablesToBf16; }

    /** fp32 (cos, sin) tables [n, dim] for positions 0…n−1 on {@code device} (views of the cache; caller may close). */
    public Tensor[] tables(long n, Device device) {
        String key = device.str().getString();
        Tensor[] t = cache.get(key);
        if (t == null || t[0].size(0) < n) {
            if (t != null) { t[0].close(); t[1].close(); }
            t = compute(Math.max(n, 256), device);
            t[0].retainReference(); // cached: must outlive the caller's PointerScope
            t[1].retainReference();
            cache.put(key, t);
        }
        return new Tensor[] {t[0].narrow(0, 0, n), t[1].narrow(0, 0, n)};
    }

    private Tensor[] compute(long n, Device device) {
        var f32 = Ops.options(ScalarType.Float, device);
        // inv_freq = 1.0 / (base ** (arange(0, dim, 2).float() / dim)); Python's 1.0/x is reciprocal(x)·1.0.
        Tensor exponents = torch.arange(new Scalar(0), new Scalar(dim), new Scalar(2),
                Ops.options(ScalarType.Long, device)).to(ScalarType.Float).div(Ops.s(dim));
        Tensor invFreq = torch.pow(Ops.s(base), exponents).reciprocal();                    // [dim/2]
        Tensor pos = torch.arange(new Scalar(0), new Scalar(n), Ops.options(ScalarType.Long, device))
                .to(ScalarType.Float);                                                       // [n]
        Tensor freqs = torch.outer(pos, invFreq);                                            // [n, dim/2]
        Tensor emb = torch.cat(new TensorVector(freqs, freqs), -1);                          // [n, dim] half-split
        Tensor cos = emb.cos();
        Tensor sin = emb.sin();
        if (roundTablesToBf16) {
            cos = cos.to(ScalarType.BFloat16).to(ScalarType.Float);
            sin = sin.to(ScalarType.BFloat16).to(ScalarType.Float);
        }
        return new Tensor[] {cos.contiguous(), sin.contiguous()};
    }

    /**
     * {@code apply_rotary_emb}: x [B, H, S, dim], cos/sin [S, dim] in the dtype the original casts them to (the
     * dtype of the tensor the table was requested for). out = x·cos + rot(x)·sin with rot(x)[2i] = −x[2i+1],
     * rot(x)[2i+1] = x[2i]; computed in fp32 and cast back to x's dtype.
     */
    static Tensor apply(Tensor x, Tensor cos, Tensor sin) {
        long[] shape = x.sizes().vec().get();
        Tensor pairs = x.reshape(shape[0], shape[1], shape[2], shape[3] / 2, 2);             // [B, H, S, d/2, 2]
        Tensor real = pairs.select(-1, 0);
        Tensor imag = pairs.select(-1, 1);
        Tensor rotated = torch.stack(new TensorVector(imag.neg(), real), -1).flatten(3, -1); // [B, H, S, d]
        Tensor out = x.to(ScalarType.Float).mul(cos).add(rotated.to(ScalarType.Float).mul(sin));
        return Ops.sameType(out, x.scalar_type()) ? out : out.to(x.scalar_type());
    }

    @Override
    public void close() {
        for (Tensor[] t : cache.values()) { t[0].close(); t[1].close(); }
        cache.clear();
    }
}
