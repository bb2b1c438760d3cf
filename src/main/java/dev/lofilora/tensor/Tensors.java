package dev.lofilora.tensor;

import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

import java.util.Arrays;

/**
 * Small conversions between Java arrays and libtorch tensors, and the float64 error measures conformance uses.
 * Inputs may be on any device and of any dtype; intermediate tensors are freed before returning (a
 * {@link PointerScope} per call), results that are tensors are owned by the caller.
 */
public final class Tensors {
    private Tensors() {}

    /** The shape as a Java array ({@code []} for a scalar). */
    public static long[] shape(Tensor t) {
        long[] s = new long[(int) t.dim()];
        for (int i = 0; i < s.length; i++) s[i] = t.size(i);
        return s;
    }

    /** "F32[2, 8, 16, 48]" (the safetensors dtype name, or libtorch's for other types, then the shape). */
    public static String describe(Tensor t) {
        String type = DType.fromScalarType(t.scalar_type()).map(DType::safetensorsName)
                .orElse(String.valueOf(t.scalar_type()));
        String device = t.is_cpu() ? "" : " on " + t.device().str().getString();
        return type + Arrays.toString(shape(t)) + device;
    }

    /** A new CPU float32 tensor of {@code shape} holding a copy of {@code values} (row-major). */
    public static Tensor fromFloatArray(float[] values, long... shape) {
        checkCount(values.length, shape);
        Tensor t = torch.empty(shape, new TensorOptions().dtype(new ScalarTypeOptional(ScalarType.Float)),
                new org.bytedeco.pytorch.MemoryFormatOptional());
        if (values.length > 0) new FloatPointer(t.data_ptr()).capacity(values.length).put(values);
        return t;
    }

    /** A new CPU float64 tensor of {@code shape} holding a copy of {@code values}. */
    public static Tensor fromDoubleArray(double[] values, long... shape) {
        checkCount(values.length, shape);
        Tensor t = torch.empty(shape, new TensorOptions().dtype(new ScalarTypeOptional(ScalarType.Double)),
                new org.bytedeco.pytorch.MemoryFormatOptional());
        if (values.length > 0) new DoublePointer(t.data_ptr()).capacity(values.length).put(values);
        return t;
    }

    /** A new CPU int64 tensor of {@code shape} holding a copy of {@code values}. */
    public static Tensor fromLongArray(long[] values, long... shape) {
        checkCount(values.length, shape);
        Tensor t = torch.empty(shape, new TensorOptions().dtype(new ScalarTypeOptional(ScalarType.Long)),
                new org.bytedeco.pytorch.MemoryFormatOptional());
        if (values.length > 0) new LongPointer(t.data_ptr()).capacity(values.length).put(values);
        return t;
    }

    /** The values converted to float32, row-major (any dtype, device and layout). */
    public static float[] toFloatArray(Tensor t) {
        try (PointerScope scope = new PointerScope()) {
            Tensor c = t.detach().to(ScalarType.Float).cpu().contiguous();
            float[] out = new float[Math.toIntExact(c.numel())];
            if (out.length > 0) new FloatPointer(c.data_ptr()).capacity(out.length).get(out);
            return out;
        }
    }

    /** The values converted to float64, row-major. */
    public static double[] toDoubleArray(Tensor t) {
        try (PointerScope scope = new PointerScope()) {
            Tensor c = t.detach().to(ScalarType.Double).cpu().contiguous();
            double[] out = new double[Math.toIntExact(c.numel())];
            if (out.length > 0) new DoublePointer(c.data_ptr()).capacity(out.length).get(out);
            return out;
        }
    }

    /** The values converted to int64, row-major (floats are truncated toward zero). */
    public static long[] toLongArray(Tensor t) {
        try (PointerScope scope = new PointerScope()) {
            Tensor c = t.detach().to(ScalarType.Long).cpu().contiguous();
            long[] out = new long[Math.toIntExact(c.numel())];
            if (out.length > 0) new LongPointer(c.data_ptr()).capacity(out.length).get(out);
            return out;
        }
    }

    /**
     * max |a − b| computed in float64 on the CPU (0 for empty tensors; NaN when either holds a NaN at a compared
     * position). Shapes must be equal ({@link IllegalArgumentException} otherwise); no broadcasting, on purpose.
     */
    public static double maxAbsDiff(Tensor a, Tensor b) {
        if (!Arrays.equals(shape(a), shape(b))) {
            throw new IllegalArgumentException("shapes differ: " + describe(a) + " vs " + describe(b));
        }
        if (a.numel() == 0) return 0;
        try (PointerScope scope = new PointerScope()) {
            Tensor da = a.detach().to(ScalarType.Double).cpu();
            Tensor db = b.detach().to(ScalarType.Double).cpu();
            return da.sub(db).abs().max().item_double();
        }
    }

    /**
     * The number of positions where the non-finite values of {@code a} and {@code b} differ: NaN against anything but
     * NaN, or an infinity against anything but the same infinity. Shapes must be equal.
     */
    public static long nonFiniteMismatches(Tensor a, Tensor b) {
        if (!Arrays.equals(shape(a), shape(b))) {
            throw new IllegalArgumentException("shapes differ: " + describe(a) + " vs " + describe(b));
        }
        if (a.numel() == 0 || !a.is_floating_point() && !b.is_floating_point()) return 0;
        try (PointerScope scope = new PointerScope()) {
            Tensor da = a.detach().to(ScalarType.Double).cpu();
            Tensor db = b.detach().to(ScalarType.Double).cpu();
            Tensor nanA = da.isnan(), nanB = db.isnan();
            Tensor infA = da.isinf(), infB = db.isinf();
            Tensor bad = nanA.ne(nanB).logical_or(infA.logical_or(infB).logical_and(da.ne(db)));
            return bad.sum().item_long();
        }
    }

    /** max |a − b| in float64 over the positions finite in both (0 when there are none). Shapes must be equal. */
    public static double maxAbsDiffFinite(Tensor a, Tensor b) {
        if (!Arrays.equals(shape(a), shape(b))) {
            throw new IllegalArgumentException("shapes differ: " + describe(a) + " vs " + describe(b));
        }
        if (a.numel() == 0) return 0;
        try (PointerScope scope = new PointerScope()) {
            Tensor da = a.detach().to(ScalarType.Double).cpu();
            Tensor db = b.detach().to(ScalarType.Double).cpu();
            Tensor finite = da.isfinite().logical_and(db.isfinite());
            Tensor diff = torch.where(finite, da.sub(db).abs(), torch.zeros_like(da));
            return diff.max().item_double();
        }
    }

    /** max |t| in float64 over its finite elements (0 when there are none). */
    public static double maxAbsFinite(Tensor t) {
        if (t.numel() == 0) return 0;
        try (PointerScope scope = new PointerScope()) {
            Tensor d = t.detach().to(ScalarType.Double).cpu();
            return torch.where(d.isfinite(), d.abs(), torch.zeros_like(d)).max().item_double();
        }
    }

    /** max |t| in float64 (0 for an empty tensor; NaN if it holds a NaN). */
    public static double maxAbs(Tensor t) {
        if (t.numel() == 0) return 0;
        try (PointerScope scope = new PointerScope()) {
            return t.detach().to(ScalarType.Double).cpu().abs().max().item_double();
        }
    }

    /** Whether the two tensors have equal dtype, shape and bits (NaNs with equal bits compare equal). */
    public static boolean bitIdentical(Tensor a, Tensor b) {
        if (a.scalar_type().value != b.scalar_type().value || !Arrays.equals(shape(a), shape(b))) return false;
        if (a.numel() == 0) return true;
        try (PointerScope scope = new PointerScope()) {
            Tensor ca = a.detach().cpu().contiguous();
            Tensor cb = b.detach().cpu().contiguous();
            long n = ca.nbytes();
            org.bytedeco.javacpp.BytePointer pa = new org.bytedeco.javacpp.BytePointer(ca.data_ptr()).capacity(n);
            org.bytedeco.javacpp.BytePointer pb = new org.bytedeco.javacpp.BytePointer(cb.data_ptr()).capacity(n);
            return pa.asBuffer().equals(pb.asBuffer());
        }
    }

    private static void checkCount(int count, long[] shape) {
        long n = 1;
        for (long d : shape) {
            if (d < 0) throw new IllegalArgumentException("negative dimension in " + Arrays.toString(shape));
            n = Math.multiplyExact(n, d);
        }
        if (n != count) {
            throw new IllegalArgumentException(count + " values do not fill shape " + Arrays.toString(shape));
        }
    }
}
