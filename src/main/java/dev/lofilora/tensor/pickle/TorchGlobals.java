package dev.lofilora.tensor.pickle;

import dev.lofilora.tensor.DType;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The allowlist of a state-dict checkpoint: the only globals a {@code torch.save}d dict of tensors, an optimizer
 * state and a few numpy scalars need, each given a data-only meaning. Any other name is refused the moment the pickle
 * names it. Persistent ids must be torch storages ({@code ('storage', <type>, key, location, numel[, view])}).
 *
 * <table>
 *   <caption>allowed globals</caption>
 *   <tr><td>{@code collections.OrderedDict}</td><td>a map (keys in order)</td></tr>
 *   <tr><td>{@code torch._utils._rebuild_tensor_v2}</td><td>a {@link TensorRef}</td></tr>
 *   <tr><td>{@code torch._utils._rebuild_parameter}(_with_state)</td><td>the tensor inside</td></tr>
 *   <tr><td>{@code torch.<T>Storage}, {@code torch.UntypedStorage}</td><td>a storage element type</td></tr>
 *   <tr><td>{@code numpy.core.multiarray.scalar}, {@code numpy._core.multiarray.scalar}, {@code numpy.dtype}</td>
 *       <td>a Long, Double or Boolean</td></tr>
 *   <tr><td>{@code _codecs.encode}</td><td>bytes (protocol-2 numpy data)</td></tr>
 * </table>
 */
final class TorchGlobals implements Unpickler.Hooks {
    private static final PyGlobal ORDERED_DICT = new PyGlobal("collections", "OrderedDict");
    private static final PyGlobal REBUILD_TENSOR = new PyGlobal("torch._utils", "_rebuild_tensor_v2");
    private static final PyGlobal REBUILD_PARAMETER = new PyGlobal("torch._utils", "_rebuild_parameter");
    private static final PyGlobal REBUILD_PARAMETER_STATE = new PyGlobal("torch._utils", "_rebuild_parameter_with_state");
    private static final PyGlobal NP_DTYPE = new PyGlobal("numpy", "dtype");
    private static final PyGlobal CODECS_ENCODE = new PyGlobal("_codecs", "encode");

    /** Storage class name → element type (torch/storage.py {@code _get_dtype_from_pickle_storage_type}). */
    static final Map<String, DType> STORAGE_TYPES = Map.ofEntries(
            Map.entry("FloatStorage", DType.F32), Map.entry("DoubleStorage", DType.F64),
            Map.entry("HalfStorage", DType.F16), Map.entry("BFloat16Storage", DType.BF16),
            Map.entry("LongStorage", DType.I64), Map.entry("IntStorage", DType.I32),
            Map.entry("ShortStorage", DType.I16), Map.entry("CharStorage", DType.I8),
            Map.entry("ByteStorage", DType.U8), Map.entry("BoolStorage", DType.BOOL),
            Map.entry("UntypedStorage", DType.U8));

    /** The allowlist as printed in refusals. */
    static final List<String> ALLOWED = List.of("collections.OrderedDict", "torch._utils._rebuild_tensor_v2",
            "torch._utils._rebuild_parameter", "torch._utils._rebuild_parameter_with_state", "torch.<T>Storage",
            "numpy.core.multiarray.scalar", "numpy.dtype", "_codecs.encode");

    /** A numpy dtype as {@code numpy.dtype(code, align, copy)} + BUILD leave it. */
    static final class NumpyDtype {
        final String code;
        char byteOrder = '=';

        NumpyDtype(String code) { this.code = code; }
    }

    private final Path file;
    private final Function<StorageRef, StorageRef> storages;

    /** {@code storages} interns storage references by key (so views of one storage share it). */
    TorchGlobals(Path file, Function<StorageRef, StorageRef> storages) {
        this.file = file;
        this.storages = storages;
    }

    @Override
    public Object global(String module, String name) {
        PyGlobal g = new PyGlobal(module, name);
        if (g.equals(ORDERED_DICT) || g.equals(REBUILD_TENSOR) || g.equals(REBUILD_PARAMETER)
                || g.equals(REBUILD_PARAMETER_STATE) || g.equals(NP_DTYPE) || g.equals(CODECS_ENCODE)) {
            return g;
        }
        if ((module.equals("numpy.core.multiarray") || module.equals("numpy._core.multiarray")) && name.equals("scalar")) {
            return new PyGlobal("numpy.core.multiarray", "scalar");
        }
        if ((module.equals("torch") || module.equals("torch.storage")) && STORAGE_TYPES.containsKey(name)) return g;
        throw new PickleException(file, "the pickle names the global '" + module + "." + name + "', which is not on "
                + "the allowlist of a state-dict checkpoint (" + String.join(", ", ALLOWED) + "); refused before "
                + "importing or running anything", "use a checkpoint that holds only tensors, dicts and numbers "
                + "(LAION-CLAP's and torchvggish's published files do), or convert it to safetensors where you trust it");
    }

    @Override
    public Object call(Object callable, PyTuple args) {
        if (!(callable instanceof PyGlobal g)) {
            throw malformed("REDUCE on a " + Unpickler.typeName(callable) + ", not a global");
        }
        if (g.equals(ORDERED_DICT)) return orderedDict(args);
        if (g.equals(REBUILD_TENSOR)) return rebuildTensor(args);
        if (g.equals(REBUILD_PARAMETER) || g.equals(REBUILD_PARAMETER_STATE)) {
            if (args.size() < 2 || !(args.get(0) instanceof TensorRef t)) throw malformed("bad _rebuild_parameter call");
            return new TensorRef(t.storage(), t.offset(), t.shape(), t.stride(), Boolean.TRUE.equals(args.get(1)));
        }
        if (g.equals(NP_DTYPE)) {
            if (args.size() < 1 || !(args.get(0) instanceof String code)) throw malformed("bad numpy.dtype call");
            return new NumpyDtype(code);
        }
        if (g.name().equals("scalar")) return numpyScalar(args);
        if (g.equals(CODECS_ENCODE)) {
            if (args.size() != 2 || !(args.get(0) instanceof String s) || !"latin1".equals(args.get(1))) {
                throw malformed("bad _codecs.encode call");
            }
            return s.getBytes(StandardCharsets.ISO_8859_1);
        }
        throw malformed("the storage type " + g + " is called like a function");
    }

    @Override
    public Object build(Object obj, Object state) {
        if (obj instanceof Map<?, ?>) return obj; // OrderedDict.__dict__ (state_dict()._metadata): versions only
        if (obj instanceof NumpyDtype d && state instanceof PyTuple t && t.size() > 1 && t.get(1) instanceof String o
                && o.length() == 1) {
            d.byteOrder = o.charAt(0);
            return d;
        }
        throw malformed("BUILD on a " + Unpickler.typeName(obj));
    }

    @Override
    public Object persistentLoad(Object pid) {
        if (!(pid instanceof PyTuple t) || t.size() < 5 || !"storage".equals(text(t.get(0)))) {
            throw malformed("a persistent id that is not a torch storage: " + pid);
        }
        if (!(t.get(1) instanceof PyGlobal type) || !STORAGE_TYPES.containsKey(type.name())) {
            throw malformed("a storage of unknown type " + t.get(1));
        }
        if (t.size() > 5 && t.get(5) != null) {
            throw new PickleException(file, "the checkpoint uses a legacy storage view (" + t.get(5) + ")",
                    "re-save it with a current torch.save, or convert it to safetensors");
        }
        String key = text(t.get(2));
        if (!(t.get(4) instanceof Long numel) || numel < 0) throw malformed("a storage with a bad size " + t.get(4));
        return storages.apply(new StorageRef(key, STORAGE_TYPES.get(type.name()), numel, text(t.get(3))));
    }

    private Map<Object, Object> orderedDict(PyTuple args) {
        Map<Object, Object> m = new LinkedHashMap<>();
        if (args.size() == 1 && args.get(0) instanceof List<?> pairs) {
            for (Object p : pairs) {
                if (!(p instanceof PyTuple kv) || kv.size() != 2) throw malformed("OrderedDict of non-pairs");
                m.put(kv.get(0), kv.get(1));
            }
        } else if (args.size() != 0) {
            throw malformed("OrderedDict called with " + args.size() + " arguments");
        }
        return m;
    }

    private TensorRef rebuildTensor(PyTuple a) {
        if (a.size() < 5 || !(a.get(0) instanceof StorageRef s) || !(a.get(1) instanceof Long offset)
                || !(a.get(2) instanceof PyTuple size) || !(a.get(3) instanceof PyTuple stride)
                || size.size() != stride.size()) {
            throw malformed("bad _rebuild_tensor_v2 arguments " + a);
        }
        long[] shape = longs(size);
        long[] strides = longs(stride);
        TensorRef t = new TensorRef(s, offset, shape, strides, Boolean.TRUE.equals(a.get(4)));
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] < 0 || strides[i] < 0) throw malformed("negative size or stride in " + t);
        }
        if (offset < 0 || t.extent() > s.numel()) {
            throw malformed("tensor " + t + " reaches past its storage of " + s.numel() + " elements");
        }
        return t;
    }

    private Object numpyScalar(PyTuple args) {
        if (args.size() != 2 || !(args.get(0) instanceof NumpyDtype d) || !(args.get(1) instanceof byte[] data)) {
            throw malformed("bad numpy scalar " + args);
        }
        ByteBuffer b = ByteBuffer.wrap(data).order(d.byteOrder == '>' ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
        String c = d.code.replace("<", "").replace(">", "").replace("=", "").replace("|", "");
        int need = switch (c) {
            case "f8", "i8", "u8" -> 8;
            case "f4", "i4", "u4" -> 4;
            case "f2", "i2", "u2" -> 2;
            case "i1", "u1", "b1" -> 1;
            default -> throw new PickleException(file, "holds a numpy scalar of dtype '" + d.code + "'",
                    "only numeric numpy scalars are read; convert the checkpoint to safetensors");
        };
        if (data.length != need) throw malformed("numpy scalar of dtype " + c + " with " + data.length + " bytes");
        return switch (c) {
            case "f8" -> b.getDouble();
            case "f4" -> (double) b.getFloat();
            case "f2" -> (double) halfToFloat(b.getShort());
            case "i8" -> b.getLong();
            case "u8" -> b.getLong(); // values above 2^63 wrap; checkpoints hold counters far below that
            case "i4" -> (long) b.getInt();
            case "u4" -> b.getInt() & 0xFFFFFFFFL;
            case "i2" -> (long) b.getShort();
            case "u2" -> (long) (b.getShort() & 0xFFFF);
            case "i1" -> (long) b.get();
            case "u1" -> (long) (b.get() & 0xFF);
            default -> b.get() != 0;
        };
    }

    /** IEEE 754 binary16 → float (Float.float16ToFloat arrived after Java 17). */
    static float halfToFloat(short h) {
        int sign = (h >>> 15) & 1, exp = (h >>> 10) & 0x1F, mant = h & 0x3FF;
        float v = exp == 0 ? mant * 0x1p-24f : exp == 31 ? (mant == 0 ? Float.POSITIVE_INFINITY : Float.NaN)
                : (1 + mant / 1024f) * (float) Math.pow(2, exp - 15);
        return sign == 1 ? -v : v;
    }

    private long[] longs(PyTuple t) {
        long[] out = new long[t.size()];
        for (int i = 0; i < out.length; i++) {
            if (!(t.get(i) instanceof Long v)) throw malformed("a non-integer size or stride " + t);
            out[i] = v;
        }
        return out;
    }

    private static String text(Object o) {
        if (o instanceof byte[] b) return new String(b, StandardCharsets.US_ASCII);
        return String.valueOf(o);
    }

    private PickleException malformed(String what) {
        return new PickleException(file, what, "the file is damaged or not a PyTorch checkpoint; download it again");
    }
}
