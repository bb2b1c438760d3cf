package dev.lofilora.export.onnx;

import dev.lofilora.common.AtomicFiles;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds one ONNX model ({@code <name>.onnx} + its external data {@code <name>.bin}) node by node. Initializers of
 * 1 KiB or more are streamed into the {@code .bin} as they are added ({@link WeightFile}); smaller ones (constants,
 * norms' scales of toy models) stay inline. Opset 21 of {@code ai.onnx} with IR version 10 (research onnx_export.md
 * §2: 21 is the first opset with blockwise {@code DequantizeLinear}; ONNX Runtime 1.24 loads 17–25), plus
 * {@code com.microsoft} version 1 when a contrib op ({@code "com.microsoft:MatMulNBits"}) is used.
 *
 * <p>Values are named {@code <scope>/<Op>_<n>} so a graph reads like the module tree it was built from; weights are
 * named by their state-dict keys. Not thread-safe; {@link #finish} writes the model, {@link #close} releases the
 * weight file (and, unless finished, deletes both files).
 */
public final class GraphBuilder implements AutoCloseable {
    public static final int OPSET = 21;
    public static final int IR_VERSION = 10;
    public static final String MS_DOMAIN = "com.microsoft";
    static final int INLINE_LIMIT = 1024;

    /** What was written. */
    public record Written(Path model, Path weights, long modelBytes, long weightBytes, int nodes, int initializers) {}

    private final String name;
    private final Path modelFile;
    private final WeightFile weights;
    private final List<Proto> nodes = new ArrayList<>();
    private final List<Proto> initializers = new ArrayList<>();
    private final List<Proto> inputs = new ArrayList<>();
    private final List<Proto> outputs = new ArrayList<>();
    private final Map<String, String> metadata = new LinkedHashMap<>();
    private final Set<String> names = new HashSet<>();
    private final Map<String, String> constants = new HashMap<>();
    private final Deque<String> scopes = new ArrayDeque<>();
    private final Map<String, Integer> counters = new HashMap<>();
    private boolean usesMs;
    private boolean finished;

    /** A builder writing {@code dir/<name>.onnx} and {@code dir/<name>.bin}. */
    public GraphBuilder(Path dir, String name) {
        this.name = name;
        this.modelFile = dir.resolve(name + ".onnx");
        this.weights = new WeightFile(dir.resolve(name + ".bin"));
    }

    // ---- scopes ---------------------------------------------------------------------------------------------------

    /** A naming scope; closing it returns to the outer one. */
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }

    /** Names the nodes built until the returned handle is closed {@code <outer>.<s>/...}. */
    public Scope scope(String s) {
        scopes.push(scopes.isEmpty() ? s : scopes.peek() + "." + s);
        return scopes::pop;
    }

    private String fresh(String op) {
        String prefix = (scopes.isEmpty() ? "" : scopes.peek() + "/") + op;
        int n = counters.merge(prefix, 1, Integer::sum);
        String v = prefix + "_" + (n - 1);
        while (!names.add(v)) v = prefix + "_" + counters.merge(prefix, 1, Integer::sum);
        return v;
    }

    // ---- graph inputs and outputs ---------------------------------------------------------------------------------

    /** A graph input; each dim is a {@code Long}/{@code Integer} (fixed) or a {@code String} (symbolic). */
    public String input(String n, OnnxType type, Object... dims) {
        claim(n);
        inputs.add(valueInfo(n, type, dims));
        return n;
    }

    /** Exposes {@code value} as graph output {@code n} (through an Identity when the names differ). */
    public void output(String value, String n, OnnxType type, Object... dims) {
        if (!value.equals(n)) {
            claim(n);
            nodes.add(node("Identity", List.of(value), List.of(n), Attrs.of(), ""));
        }
        outputs.add(valueInfo(n, type, dims));
    }

    private static Proto valueInfo(String n, OnnxType type, Object... dims) {
        Proto shape = new Proto();
        for (Object d : dims) {
            Proto dim = new Proto();
            if (d instanceof String s) dim.string(2, s);
            else dim.varint(1, ((Number) d).longValue());
            shape.message(1, dim);
        }
        Proto tensor = new Proto().varint(1, type.code).message(2, shape);
        return new Proto().string(1, n).message(2, new Proto().message(1, tensor));
    }

    // ---- initializers ---------------------------------------------------------------------------------------------

    /**
     * Adds the weight {@code n} holding {@code t} converted to {@code type} (a cast of floating values; row-major,
     * little-endian). The tensor may be on any device and in any layout; it is copied once, then freed.
     */
    public String weight(String n, Tensor t, OnnxType type) {
        claim(n);
        try (PointerScope scope = new PointerScope()) {
            Tensor c = t.detach().to(type.scalarType).cpu().contiguous();
            long[] dims = c.sizes().vec().get();
            long bytes = c.nbytes();
            if (bytes < INLINE_LIMIT) {
                byte[] raw = new byte[(int) bytes];
                if (bytes > 0) new org.bytedeco.javacpp.BytePointer(c.data_ptr()).capacity(bytes).get(raw);
                initializers.add(tensorProto(n, type, dims).bytes(9, raw));
            } else {
                initializers.add(external(n, type, dims, weights.append(c), bytes));
            }
        }
        return n;
    }

    /** Adds the weight {@code n} from raw little-endian bytes (quantised data). */
    public String weight(String n, OnnxType type, long[] dims, byte[] raw) {
        claim(n);
        long count = 1;
        for (long d : dims) count *= d;
        if (count * type.size != raw.length) {
            throw new IllegalArgumentException(n + ": " + raw.length + " bytes for " + Arrays.toString(dims) + " " + type);
        }
        if (raw.length < INLINE_LIMIT) initializers.add(tensorProto(n, type, dims).bytes(9, raw));
        else initializers.add(external(n, type, dims, weights.append(raw), raw.length));
        return n;
    }

    /** A 1-D int64 constant (shapes, axes, slice bounds), shared between nodes with the same values. */
    public String ints(long... values) {
        String key = "i64" + Arrays.toString(values);
        String known = constants.get(key);
        if (known != null) return known;
        ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) b.putLong(v);
        String n = fresh("const_i64");
        initializers.add(tensorProto(n, OnnxType.INT64, new long[] {values.length}).bytes(9, b.array()));
        constants.put(key, n);
        return n;
    }

    /** A 1-D float32 constant (Resize scales), shared between nodes. */
    public String floats(float... values) {
        String key = "f32" + Arrays.toString(values);
        String known = constants.get(key);
        if (known != null) return known;
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) b.putFloat(v);
        String n = fresh("const_f32");
        initializers.add(tensorProto(n, OnnxType.FLOAT, new long[] {values.length}).bytes(9, b.array()));
        constants.put(key, n);
        return n;
    }

    /** A 0-D int64 constant (Range bounds, integer arithmetic), shared between nodes. */
    public String int64(long v) {
        String key = "i64:" + v;
        String known = constants.get(key);
        if (known != null) return known;
        byte[] raw = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array();
        String n = fresh("const_i64");
        initializers.add(tensorProto(n, OnnxType.INT64, new long[0]).bytes(9, raw));
        constants.put(key, n);
        return n;
    }

    /** A 0-D (scalar) constant of {@code type} FLOAT or FLOAT16, shared between nodes. */
    public String scalar(double v, OnnxType type) {
        String key = type + ":" + Double.doubleToRawLongBits(v);
        String known = constants.get(key);
        if (known != null) return known;
        byte[] raw;
        if (type == OnnxType.FLOAT) {
            int bits = Float.floatToRawIntBits((float) v);
            raw = new byte[] {(byte) bits, (byte) (bits >>> 8), (byte) (bits >>> 16), (byte) (bits >>> 24)};
        } else if (type == OnnxType.FLOAT16) {
            short h = dev.lofilora.export.quant.Half.fromFloat((float) v);
            raw = new byte[] {(byte) h, (byte) (h >>> 8)};
        } else {
            throw new IllegalArgumentException("scalar of " + type);
        }
        String n = fresh("const_" + type.name().toLowerCase(java.util.Locale.ROOT));
        initializers.add(tensorProto(n, type, new long[0]).bytes(9, raw));
        constants.put(key, n);
        return n;
    }

    /** A float32 scalar constant. */
    public String scalar(double v) {
        return scalar(v, OnnxType.FLOAT);
    }

    private static Proto tensorProto(String n, OnnxType type, long[] dims) {
        Proto p = new Proto();
        for (long d : dims) p.varint(1, d);
        return p.varint(2, type.code).string(8, n);
    }

    private Proto external(String n, OnnxType type, long[] dims, long offset, long length) {
        // TensorProto.external_data (13) entries location/offset/length; data_location (14) = EXTERNAL (1).
        return tensorProto(n, type, dims)
                .message(13, new Proto().string(1, "location").string(2, weights.path().getFileName().toString()))
                .message(13, new Proto().string(1, "offset").string(2, Long.toString(offset)))
                .message(13, new Proto().string(1, "length").string(2, Long.toString(length)))
                .varint(14, 1);
    }

    // ---- nodes ----------------------------------------------------------------------------------------------------

    /** A node with one output and no attributes; returns the output's name. */
    public String op(String type, String... in) {
        return op(type, Attrs.of(), in);
    }

    /** A node with one output; {@code type} may carry a domain ({@code "com.microsoft:MatMulNBits"}). */
    public String op(String type, Attrs attrs, String... in) {
        return ops(type, 1, attrs, in)[0];
    }

    /** A node with {@code count} outputs; returns their names. */
    public String[] ops(String type, int count, Attrs attrs, String... in) {
        String domain = "";
        String op = type;
        int colon = type.indexOf(':');
        if (colon > 0) {
            domain = type.substring(0, colon);
            op = type.substring(colon + 1);
            if (domain.equals(MS_DOMAIN)) usesMs = true;
        }
        String[] out = new String[count];
        for (int i = 0; i < count; i++) out[i] = fresh(op);
        nodes.add(node(op, Arrays.asList(in), Arrays.asList(out), attrs, domain).string(3, out[0]));
        return out;
    }

    private static Proto node(String op, List<String> in, List<String> out, Attrs attrs, String domain) {
        Proto p = new Proto();
        for (String s : in) p.string(1, s == null ? "" : s);
        for (String s : out) p.string(2, s);
        p.string(4, op);
        for (Proto a : attrs.items()) p.message(5, a);
        if (!domain.isEmpty()) p.string(7, domain);
        return p;
    }

    /** A metadata entry of the model ({@code metadata_props}). */
    public void metadata(String key, String value) {
        metadata.put(key, value);
    }

    private void claim(String n) {
        if (!names.add(n)) throw new IllegalArgumentException("value name '" + n + "' used twice");
    }

    // ---- writing --------------------------------------------------------------------------------------------------

    /** Writes {@code <name>.onnx} (atomically) and closes the weight file. */
    public Written finish() {
        Proto graph = new Proto();
        for (Proto n : nodes) graph.message(1, n);
        graph.string(2, name);
        for (Proto t : initializers) graph.message(5, t);
        for (Proto i : inputs) graph.message(11, i);
        for (Proto o : outputs) graph.message(12, o);
        Proto model = new Proto().varint(1, IR_VERSION).string(2, "lofi-lora").string(3, "0.1")
                .message(7, graph)
                .message(8, new Proto().string(1, "").varint(2, OPSET));
        if (usesMs) model.message(8, new Proto().string(1, MS_DOMAIN).varint(2, 1));
        metadata.forEach((k, v) -> model.message(14, new Proto().string(1, k).string(2, v)));
        weights.close();
        byte[] bytes = model.toByteArray();
        try {
            AtomicFiles.writeBytes(modelFile, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + modelFile + ": " + e.getMessage(), e);
        }
        finished = true;
        return new Written(modelFile, weights.path(), bytes.length, weights.length(), nodes.size(), initializers.size());
    }

    @Override
    public void close() {
        if (finished) return;
        try {
            weights.close();
        } catch (RuntimeException ignored) {
            // already closed or failing: the files are deleted below anyway
        }
        try {
            Files.deleteIfExists(weights.path());
            Files.deleteIfExists(modelFile);
        } catch (IOException ignored) {
            // the caller's temporary folder goes as a whole
        }
    }
}
