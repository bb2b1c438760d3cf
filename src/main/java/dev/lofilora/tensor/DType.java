package dev.lofilora.tensor;

import org.bytedeco.pytorch.global.torch.ScalarType;

import java.util.Optional;
import java.util.Set;

/**
 * The safetensors element types this project reads and writes, with their safetensors name, byte size and libtorch
 * {@link ScalarType}. Other safetensors names ({@link #UNSUPPORTED_NAMES}) are recognised so that a file using them
 * gets a clear "unsupported dtype" error instead of "unknown dtype".
 */
public enum DType {
    BOOL("BOOL", 1, ScalarType.Bool, 0),
    U8("U8", 1, ScalarType.Byte, 1),
    I8("I8", 1, ScalarType.Char, 2),
    I16("I16", 2, ScalarType.Short, 3),
    I32("I32", 4, ScalarType.Int, 6),
    I64("I64", 8, ScalarType.Long, 9),
    F16("F16", 2, ScalarType.Half, 4),
    BF16("BF16", 2, ScalarType.BFloat16, 5),
    F32("F32", 4, ScalarType.Float, 7),
    F64("F64", 8, ScalarType.Double, 8);

    /** Valid safetensors dtype names that this project does not support. */
    public static final Set<String> UNSUPPORTED_NAMES = Set.of(
            "U16", "U32", "U64", "C64",
            "F8_E4M3", "F8_E5M2", "F8_E8M0", "F8_E4M3FNUZ", "F8_E5M2FNUZ", "F4", "F6_E2M3", "F6_E3M2");

    private final String safetensorsName;
    private final int byteSize;
    private final ScalarType scalarType;
    private final int writeRank;

    DType(String safetensorsName, int byteSize, ScalarType scalarType, int writeRank) {
        this.safetensorsName = safetensorsName;
        this.byteSize = byteSize;
        this.scalarType = scalarType;
        this.writeRank = writeRank;
    }

    /**
     * The position of this dtype in the reference implementation's {@code Dtype} enum ({@code safetensors/src/
     * tensor.rs}: BOOL, U8, I8, I16, F16, BF16, I32, F32, F64, I64 among ours), which is in increasing alignment
     * order. Writers sort by it, descending, then by name, so every tensor lands element-aligned.
     */
    public int writeRank() { return writeRank; }

    /** The name used in a safetensors header ("F32", "BF16", ...). */
    public String safetensorsName() { return safetensorsName; }

    /** Bytes per element; also the alignment a zero-copy view of this type needs. */
    public int byteSize() { return byteSize; }

    public ScalarType scalarType() { return scalarType; }

    /** True for F16, BF16, F32, F64. */
    public boolean isFloatingPoint() {
        return this == F16 || this == BF16 || this == F32 || this == F64;
    }

    /** The dtype with this safetensors name, or empty when the name is unknown or unsupported. */
    public static Optional<DType> fromSafetensorsName(String name) {
        for (DType d : values()) {
            if (d.safetensorsName.equals(name)) return Optional.of(d);
        }
        return Optional.empty();
    }

    /**
     * The dtype of a libtorch scalar type (e.g. {@code tensor.scalar_type()}); empty for types safetensors or this project
     * cannot hold.
     */
    public static Optional<DType> fromScalarType(ScalarType type) {
        // Enums returned by native calls are not the canonical constants (JavaCPP); compare the native value.
        for (DType d : values()) {
            if (type != null && d.scalarType.value == type.value) return Optional.of(d);
        }
        return Optional.empty();
    }
}
