package dev.lofilora.export.onnx;

import org.bytedeco.pytorch.global.torch.ScalarType;

/** The ONNX element types this project writes ({@code TensorProto.DataType} numbers) and their libtorch twins. */
public enum OnnxType {
    FLOAT(1, 4, ScalarType.Float),
    UINT8(2, 1, ScalarType.Byte),
    INT8(3, 1, ScalarType.Char),
    INT32(6, 4, ScalarType.Int),
    INT64(7, 8, ScalarType.Long),
    BOOL(9, 1, ScalarType.Bool),
    FLOAT16(10, 2, ScalarType.Half);

    /** The {@code TensorProto.DataType} number. */
    public final int code;
    /** Bytes per element. */
    public final int size;
    /** The libtorch type with the same bytes. */
    public final ScalarType scalarType;

    OnnxType(int code, int size, ScalarType scalarType) {
        this.code = code;
        this.size = size;
        this.scalarType = scalarType;
    }

    /** The type of a {@code TensorProto.DataType} number; {@link IllegalArgumentException} for others. */
    public static OnnxType of(int code) {
        for (OnnxType t : values()) if (t.code == code) return t;
        throw new IllegalArgumentException("ONNX element type " + code + " is not one this project handles");
    }
}
