package dev.lofilora.tensor;

import org.bytedeco.pytorch.Context;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.Float32MatmulPrecision;

import java.util.Locale;

/**
 * libtorch's global float32 precision switches. TF32 (a 10-bit mantissa inside fp32 matmuls and convolutions on
 * Ampere+ GPUs) exceeds the conformance tolerances by orders of magnitude, so conformance runs with it off.
 *
 * <p>The calls (from {@code javap} on the 2.10.0-1.5.13 presets, class {@code org.bytedeco.pytorch.Context}, reached
 * through {@code torch.globalContext()}): {@code setAllowTF32CuBLAS(boolean)} = Python's
 * {@code torch.backends.cuda.matmul.allow_tf32}; {@code setAllowTF32CuDNN(boolean)} =
 * {@code torch.backends.cudnn.allow_tf32}; {@code setFloat32MatmulPrecision("highest"|"high"|"medium")} =
 * {@code torch.set_float32_matmul_precision}. They only change flags, so they are valid (and no-ops for the maths) on
 * a CPU-only build; the settings are process-global, not thread-local.
 */
public final class NumericsFlags implements AutoCloseable {
    private final String matmulPrecision;
    private final boolean cudnn;

    private NumericsFlags(String matmulPrecision, boolean cudnn) {
        this.matmulPrecision = matmulPrecision;
        this.cudnn = cudnn;
    }

    /** Turns TF32 off for matmuls (cuBLAS) and cuDNN convolutions; matmul precision "highest". */
    public static void disableTf32() {
        setTf32(false);
    }

    /** Turns TF32 on or off for both cuBLAS matmuls and cuDNN ("high" / "highest" matmul precision). */
    public static void setTf32(boolean allow) {
        Context ctx = torch.globalContext();
        ctx.setFloat32MatmulPrecision(allow ? "high" : "highest");
        ctx.setAllowTF32CuBLAS(allow);
        ctx.setAllowTF32CuDNN(allow);
    }

    /** Whether TF32 is allowed for cuBLAS matmuls. */
    public static boolean tf32CuBlasAllowed() {
        return torch.globalContext().allowTF32CuBLAS();
    }

    /** Whether TF32 is allowed for cuDNN. */
    public static boolean tf32CuDnnAllowed() {
        return torch.globalContext().allowTF32CuDNN();
    }

    /** The float32 matmul precision: "highest", "high" or "medium" (Python's get_float32_matmul_precision). */
    public static String matmulPrecision() {
        Float32MatmulPrecision p = torch.globalContext().float32MatmulPrecision();
        // Enums returned by native calls are not the canonical constants (JavaCPP); compare the native value.
        for (Float32MatmulPrecision c : Float32MatmulPrecision.values()) {
            if (c.value == p.value) return c.name().toLowerCase(Locale.ROOT);
        }
        throw new IllegalStateException("unknown float32 matmul precision " + p.value);
    }

    /**
     * Turns TF32 off until the returned handle is closed, then restores the previous matmul precision (which is what
     * the cuBLAS TF32 flag reads) and cuDNN setting: {@code try (var strict = NumericsFlags.strictFp32()) { ... }}.
     */
    public static NumericsFlags strictFp32() {
        NumericsFlags previous = new NumericsFlags(matmulPrecision(), tf32CuDnnAllowed());
        disableTf32();
        return previous;
    }

    @Override
    public void close() {
        Context ctx = torch.globalContext();
        ctx.setFloat32MatmulPrecision(matmulPrecision);
        ctx.setAllowTF32CuDNN(cudnn);
    }
}
