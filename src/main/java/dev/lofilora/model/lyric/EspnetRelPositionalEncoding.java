package dev.lofilora.model.lyric;

import dev.lofilora.nn.BatchDropout;
import dev.lofilora.nn.Module;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * ESPnet's "new" relative positional encoding (research/acestep.md §2.6). Scales the input by √d and returns the
 * centre slice of a relative sinusoid table: rows for the relative positions N−1, …, 1, 0, −1, …, −(N−1), i.e.
 * {@code pe[:, P/2−N+1 : P/2+N]} of shape {@code [1, 2N−1, d]}. Both outputs pass through dropout (train mode only).
 *
 * <p>The table is computed in fp32 on the CPU for {@value #DEFAULT_MAX_LEN} positions, as the reference does, and is
 * rebuilt for N positions when 2N−1 exceeds its length. It is a plain cache, neither a parameter nor a persistent
 * buffer (the checkpoint has no entry for it); it is built on first use, so constructing the module allocates
 * nothing, and converted to the input's dtype and device on use (the converted copy is kept for the next call).
 */
public final class EspnetRelPositionalEncoding extends Module {
    /** The reference's {@code max_len}. */
    public static final int DEFAULT_MAX_LEN = 5000;

    /** An input scaled by √d and its relative position table, both after dropout. */
    public record Encoded(Tensor x, Tensor posEmb) {}

    private final int dModel;
    private final double xscale;
    private final double dropoutRate;
    private Tensor table;      // fp32 CPU [1, 2M−1, d], M positions each side
    private Tensor converted;  // the table in the dtype/device of the last input

    public EspnetRelPositionalEncoding(int dModel, double dropoutRate) {
        if (dModel % 2 != 0) throw new IllegalArgumentException("d_model must be even, got " + dModel);
        this.dModel = dModel;
        this.xscale = Math.sqrt(dModel);
        this.dropoutRate = dropoutRate;
    }

    /** x [B, N, d] → (dropout(x·√d) [B, N, d], dropout(pos_emb) [1, 2N−1, d]). */
    public Encoded forward(Tensor x) {
        long n = x.size(1);
        Tensor scaled = x.mul(new Scalar(xscale)); // Python float scalar: same op-math as `x * self.xscale`
        Tensor posEmb = positionEncoding(n, x.device(), x.scalar_type());
        return new Encoded(BatchDropout.apply(scaled, dropoutRate, isTraining()),
                torch.dropout(posEmb, dropoutRate, isTraining()));
    }

    /** The centre slice {@code [1, 2·size−1, d]} of the table, in {@code dtype} on {@code device} (no dropout). */
    public Tensor positionEncoding(long size, Device device, ScalarType dtype) {
        if (size < 1) throw new IllegalArgumentException("sequence length must be ≥ 1, got " + size);
        Tensor pe = table(size, device, dtype);
        long centre = pe.size(1) / 2; // index of relative position 0
        return pe.narrow(1, centre - size + 1, 2 * size - 1); // [1, 2N−1, d]
    }

    private Tensor table(long size, Device device, ScalarType dtype) {
        boolean rebuilt = false;
        if (table == null || table.size(1) < 2 * size - 1) {
            Tensor old = table;
            table = build(Math.max(size, table == null ? DEFAULT_MAX_LEN : 0), dModel);
            if (old != null) old.close();
            rebuilt = true;
        }
        if (rebuilt || converted == null || converted.scalar_type().intern() != dtype
                || !converted.device().equals(device)) {
            Tensor old = converted;
            converted = keep(table.to(device, dtype));
            if (old != null) old.close();
        }
        return converted;
    }

    /**
     * The fp32 table for {@code maxLen} positions, [1, 2·maxLen−1, d]: sin on even and cos on odd dims of
     * position·div_term with div_term = exp(arange(0, d, 2)·−ln(10000)/d), positive positions in descending order,
     * then the negative ones. Computed with the same torch ops in the same order as the reference so the fp32 values
     * agree bit for bit on the same CPU.
     */
    static Tensor build(long maxLen, int d) {
        try (PointerScope scope = new PointerScope()) {
            TensorOptions f32 = new TensorOptions().dtype(new ScalarTypeOptional(ScalarType.Float));
            Tensor position = torch.arange(new Scalar(0), new Scalar(maxLen), f32).unsqueeze(1); // [M, 1]
            Tensor divTerm = torch.exp(torch.arange(new Scalar(0), new Scalar(d), new Scalar(2), f32)
                    .mul(new Scalar(-(Math.log(10000.0) / d))));                                  // [d/2]
            Tensor angle = position.mul(divTerm);                                                 // [M, d/2]
            Tensor negAngle = position.mul(new Scalar(-1)).mul(divTerm);                          // [M, d/2]
            Tensor positive = interleave(torch.sin(angle), torch.cos(angle), maxLen, d);          // [M, d]
            Tensor negative = interleave(torch.sin(negAngle), torch.cos(negAngle), maxLen, d);    // [M, d]
            Tensor pe = torch.cat(new TensorVector(positive.flip(0), negative.narrow(0, 1, maxLen - 1)), 0)
                    .unsqueeze(0);                                                                // [1, 2M−1, d]
            return keep(pe); // survives this method's scope; table() owns this reference
        }
    }

    /** [M, d/2] sin and cos → [M, d] with sin at even and cos at odd columns. */
    private static Tensor interleave(Tensor sin, Tensor cos, long rows, int d) {
        return torch.stack(new TensorVector(sin, cos), 2).view(rows, d);
    }

    /**
     * Keeps a cache tensor alive past any PointerScope open around the caller's forward (a per-step scope would
     * otherwise free it on close). {@code retainReference} rather than {@code scope.detach}: in JavaCPP 1.5.13 detach
     * also releases a reference, which frees a pointer held by nothing else. {@link #close()} drops our reference.
     */
    private static Tensor keep(Tensor t) {
        t.retainReference();
        return t;
    }

    /** Releases the cached tables too (each Java handle is its own reference to the storage). */
    @Override
    public void close() {
        super.close();
        if (converted != null) converted.close();
        if (table != null) table.close();
        converted = null;
        table = null;
    }
}
