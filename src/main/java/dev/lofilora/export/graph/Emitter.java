package dev.lofilora.export.graph;

import dev.lofilora.export.onnx.Attrs;
import dev.lofilora.export.onnx.GraphBuilder;
import dev.lofilora.export.onnx.OnnxType;
import dev.lofilora.export.quant.Int4Blockwise;
import dev.lofilora.export.quant.Int8PerChannel;
import dev.lofilora.nn.Linear;
import dev.lofilora.nn.Module;
import dev.lofilora.tensor.Tensors;
import org.bytedeco.pytorch.Tensor;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Emits the ONNX nodes of the {@code nn} layers of one module tree into a {@link GraphBuilder}, under the tree's
 * state-dict names (weights are named by their keys; quantised ones as ONNX Runtime's quantisers name them:
 * {@code <key>_quantized}/{@code _scale}/{@code _zero_point}, {@code <key>_Q4}/{@code _scales}/{@code _zero_points}),
 * in the part's {@link Precision}. Also the small vocabulary of elementwise and shape ops the graph builders share.
 * Not thread-safe.
 */
public final class Emitter {
    /** MatMulNBits' block size (research onnx_export.md §3: every ACE-Step width divides by it). */
    public static final int INT4_BLOCK = 128;
    /** Weights smaller than this stay float32 in every mode (norm scales, biases, tables of toy models). */
    static final long FP16_MIN_ELEMENTS = 4096;

    public final GraphBuilder g;
    public final Precision precision;
    private final boolean int4Symmetric;
    private final boolean int8Signed;
    private final Map<Module, String> paths = new IdentityHashMap<>();
    private int linears;

    /** An emitter of {@code precision} with quantised linears as {@link QuantOptions} say. */
    public Emitter(GraphBuilder g, Module root, Precision precision, QuantOptions quant) {
        this.g = g;
        this.precision = precision;
        this.int4Symmetric = quant.int4Symmetric();
        this.int8Signed = quant.int8Signed();
        root.namedModules().forEach((name, m) -> paths.put(m, name));
    }

    /** The dotted path of {@code m} in the root's tree. */
    public String path(Module m) {
        String p = paths.get(m);
        if (p == null) throw new IllegalArgumentException(m.getClass().getSimpleName() + " is not in this tree");
        return p;
    }

    /** How many linear layers were emitted (for the manifest). */
    public int linearCount() { return linears; }

    // ---- weights --------------------------------------------------------------------------------------------------

    /** A weight that is not a linear's: float16-stored (and cast back) when the mode says so and it is large. */
    public String weight(String key, Tensor t) {
        if (precision.fp16Storage() && t.numel() >= FP16_MIN_ELEMENTS) {
            return g.op("Cast", Attrs.of().i("to", OnnxType.FLOAT.code), g.weight(key, t, OnnxType.FLOAT16));
        }
        return g.weight(key, t, OnnxType.FLOAT);
    }

    /** A weight that stays float32 in every mode (tables, norm scales). */
    public String weightF32(String key, Tensor t) {
        return g.weight(key, t, OnnxType.FLOAT);
    }

    // ---- layers ---------------------------------------------------------------------------------------------------

    /** {@code nn.Linear} of this tree on x [..., in] → [..., out]. */
    public String linear(Linear l, String x) {
        String key = path(l);
        return linear(key, l.weight.value(), l.bias == null ? null : l.bias.value(), x);
    }

    /**
     * y = x·Wᵀ + b for W [out, in] (a Linear's, or a 1×1 convolution's reshaped) in the part's precision; {@code key}
     * is the module path (the weight is {@code key.weight}).
     */
    public String linear(String key, Tensor w, Tensor b, String x) {
        linears++;
        long out = w.size(0), in = w.size(1);
        String wk = key + ".weight";
        String y = switch (precision) {
            case FP32, FP16_STORED -> g.op("MatMul", x, transpose(weight(wk, w.view(out, in)), 1, 0));
            case FP16 -> {
                String wt = transpose(g.weight(wk, w.view(out, in), OnnxType.FLOAT16), 1, 0);
                String x16 = g.op("Cast", Attrs.of().i("to", OnnxType.FLOAT16.code), x);
                yield g.op("Cast", Attrs.of().i("to", OnnxType.FLOAT.code), g.op("MatMul", x16, wt));
            }
            case INT8 -> int8(wk, w, (int) out, (int) in, x);
            case INT4 -> int4(wk, w, (int) out, (int) in, x);
        };
        return b == null ? y : g.op("Add", y, weightF32(key + ".bias", b));
    }

    private String int8(String wk, Tensor w, int n, int k, String x) {
        Int8PerChannel.Quantized q = Int8PerChannel.quantize(Tensors.toFloatArray(w), n, k, int8Signed);
        OnnxType type = int8Signed ? OnnxType.INT8 : OnnxType.UINT8;
        String wq = g.weight(wk + "_quantized", type, new long[] {k, n}, q.weights());
        String ws = g.weight(wk + "_scale", OnnxType.FLOAT, new long[] {n}, floats(q.scales()));
        String wz = g.weight(wk + "_zero_point", type, new long[] {n}, q.zeroPoints());
        // quantize_dynamic's QOperator MatMul: DynamicQuantizeLinear → MatMulInteger → Cast → × (a_scale · w_scale)
        String[] a = g.ops("DynamicQuantizeLinear", 3, Attrs.of(), x);
        String acc = g.op("MatMulInteger", a[0], wq, a[2], wz);
        String scale = g.op("Mul", a[1], ws);
        return g.op("Mul", g.op("Cast", Attrs.of().i("to", OnnxType.FLOAT.code), acc), scale);
    }

    private String int4(String wk, Tensor w, int n, int k, String x) {
        Int4Blockwise.Quantized q = Int4Blockwise.quantize(Tensors.toFloatArray(w), n, k, INT4_BLOCK, int4Symmetric);
        String b = g.weight(wk + "_Q4", OnnxType.UINT8, new long[] {n, q.kBlocks(), INT4_BLOCK / 2}, q.packed());
        String s = g.weight(wk + "_scales", OnnxType.FLOAT, new long[] {n, q.kBlocks()}, floats(q.scales()));
        String z = q.zeroPoints() == null ? ""
                : g.weight(wk + "_zero_points", OnnxType.UINT8, new long[] {n, (q.kBlocks() + 1) / 2}, q.zeroPoints());
        Attrs attrs = Attrs.of().i("K", k).i("N", n).i("bits", 4).i("block_size", INT4_BLOCK).i("accuracy_level", 0);
        return z.isEmpty() ? g.op("com.microsoft:MatMulNBits", attrs, x, b, s)
                : g.op("com.microsoft:MatMulNBits", attrs, x, b, s, z);
    }

    private static byte[] floats(float[] v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) b.putFloat(f);
        return b.array();
    }

    /** Conv (1-D or 2-D by the weight's rank) with symmetric padding; weight and bias under {@code key}. */
    public String conv(String key, Tensor w, Tensor b, String x, long[] strides, long[] pads, long[] dilations,
                       long groups) {
        long[] ws = Tensors.shape(w);
        long[] kernel = java.util.Arrays.copyOfRange(ws, 2, ws.length);
        long[] padsBoth = new long[pads.length * 2];
        for (int i = 0; i < pads.length; i++) {
            padsBoth[i] = pads[i];
            padsBoth[i + pads.length] = pads[i];
        }
        Attrs a = Attrs.of().ints("kernel_shape", kernel).ints("strides", strides).ints("pads", padsBoth)
                .ints("dilations", dilations).i("group", groups);
        String wn = weight(key + ".weight", w);
        return b == null ? g.op("Conv", a, x, wn) : g.op("Conv", a, x, wn, weightF32(key + ".bias", b));
    }

    /** ConvTranspose1d with weight [in, out, k]. */
    public String convTranspose1d(String key, Tensor w, Tensor b, String x, long stride, long pad) {
        Attrs a = Attrs.of().ints("kernel_shape", w.size(2)).ints("strides", stride).ints("pads", pad, pad);
        return g.op("ConvTranspose", a, x, weight(key + ".weight", w), weightF32(key + ".bias", b));
    }

    /** LayerNormalization over the last dim (float32 statistics). */
    public String layerNorm(String key, Tensor w, Tensor b, double eps, String x) {
        return g.op("LayerNormalization", Attrs.of().i("axis", -1).f("epsilon", (float) eps), x,
                weightF32(key + ".weight", w), weightF32(key + ".bias", b));
    }

    /** x · rsqrt(mean(x², axis) + eps) (the RMS norms without weight). */
    public String rmsNormalize(String x, long axis, double eps) {
        String var = g.op("ReduceMean", Attrs.of().i("keepdims", 1), g.op("Mul", x, x), g.ints(axis));
        return g.op("Mul", x, g.op("Reciprocal", g.op("Sqrt", g.op("Add", var, g.scalar(eps)))));
    }

    // ---- elementwise and shapes -----------------------------------------------------------------------------------

    public String add(String a, String b) { return g.op("Add", a, b); }

    public String mul(String a, String b) { return g.op("Mul", a, b); }

    public String silu(String x) { return g.op("Mul", x, g.op("Sigmoid", x)); }

    public String relu(String x) { return g.op("Relu", x); }

    /** x · s for a float scalar s. */
    public String scale(String x, double s) { return g.op("Mul", x, g.scalar(s)); }

    public String transpose(String x, long... perm) { return g.op("Transpose", Attrs.of().ints("perm", perm), x); }

    /** Reshape to a constant shape (0 copies the input's dim, −1 is inferred). */
    public String reshape(String x, long... shape) { return g.op("Reshape", x, g.ints(shape)); }

    /** Reshape to a shape computed in the graph (an int64 1-D value). */
    public String reshapeTo(String x, String shape) { return g.op("Reshape", x, shape); }

    public String unsqueeze(String x, long... axes) { return g.op("Unsqueeze", x, g.ints(axes)); }

    /** Dims {@code [start, end)} of x's shape, as an int64 1-D value. */
    public String dims(String x, long start, long end) {
        return g.op("Shape", Attrs.of().i("start", start).i("end", end), x);
    }

    public String concat(long axis, String... xs) { return g.op("Concat", Attrs.of().i("axis", axis), xs); }

    /** x[start:end] along {@code axis} with constant bounds. */
    public String slice(String x, long axis, long start, long end) {
        return g.op("Slice", x, g.ints(start), g.ints(end), g.ints(axis));
    }

    /** x[start:end] along {@code axis} with bounds computed in the graph (int64 [1] values). */
    public String slice(String x, long axis, String start, String end) {
        return g.op("Slice", x, start, end, g.ints(axis));
    }

    /** {@code n} equal chunks along {@code axis}. */
    public String[] split(String x, long axis, int n) {
        return g.ops("Split", n, Attrs.of().i("axis", axis).i("num_outputs", n), x);
    }

    /** Mean over {@code axes}, kept. */
    public String mean(String x, long... axes) {
        return g.op("ReduceMean", Attrs.of().i("keepdims", 1), x, g.ints(axes));
    }
}
