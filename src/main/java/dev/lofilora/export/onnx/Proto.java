package dev.lofilora.export.onnx;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A protobuf message being encoded: the three wire types an ONNX file needs (varint 0, length-delimited 2, fixed32
 * 5). Written by hand rather than with protobuf-java on purpose (research onnx_export.md §1): no maintained Maven
 * artifact carries the ONNX message classes for our protobuf line, generated classes would need a copy of
 * {@code onnx.proto} in the build, and protobuf-java cannot serialise a message over 2 GB — the weights go to an
 * external-data file anyway ({@link WeightFile}), so what is left is a few small messages. Repeated numeric fields
 * are written unpacked (one tag per element), which every proto2 parser accepts.
 *
 * <p>Not thread-safe. The field numbers used are those of onnx/onnx.proto (IR 10).
 */
final class Proto {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    /** A varint field (int32, int64, enum, bool); negative values take ten bytes, as protobuf writes them. */
    Proto varint(int field, long value) {
        tag(field, 0);
        raw(value);
        return this;
    }

    /** A fixed32 field (float). */
    Proto float32(int field, float value) {
        tag(field, 5);
        int bits = Float.floatToRawIntBits(value);
        for (int i = 0; i < 4; i++) out.write((bits >>> (8 * i)) & 0xFF);
        return this;
    }

    /** A length-delimited field holding {@code bytes}. */
    Proto bytes(int field, byte[] bytes) {
        tag(field, 2);
        raw(bytes.length);
        out.write(bytes, 0, bytes.length);
        return this;
    }

    /** A UTF-8 string field. */
    Proto string(int field, String s) {
        return bytes(field, s.getBytes(StandardCharsets.UTF_8));
    }

    /** An embedded message. */
    Proto message(int field, Proto m) {
        return bytes(field, m.toByteArray());
    }

    byte[] toByteArray() {
        return out.toByteArray();
    }

    int size() {
        return out.size();
    }

    private void tag(int field, int wireType) {
        raw(((long) field << 3) | wireType);
    }

    private void raw(long v) {
        while ((v & ~0x7FL) != 0) {
            out.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
    }
}
