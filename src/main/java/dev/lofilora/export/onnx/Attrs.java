package dev.lofilora.export.onnx;

import java.util.ArrayList;
import java.util.List;

/** The attributes of one node ({@code AttributeProto}), in the order they were added. */
public final class Attrs {
    // AttributeProto: name 1, f 2, i 3, s 4, t 5, floats 7, ints 8, type 20 (FLOAT 1, INT 2, STRING 3, TENSOR 4,
    // FLOATS 6, INTS 7)
    private final List<Proto> items = new ArrayList<>();

    private Attrs() {}

    public static Attrs of() { return new Attrs(); }

    public Attrs i(String name, long v) {
        items.add(new Proto().string(1, name).varint(3, v).varint(20, 2));
        return this;
    }

    public Attrs f(String name, float v) {
        items.add(new Proto().string(1, name).float32(2, v).varint(20, 1));
        return this;
    }

    public Attrs s(String name, String v) {
        items.add(new Proto().string(1, name).string(4, v).varint(20, 3));
        return this;
    }

    public Attrs ints(String name, long... v) {
        Proto p = new Proto().string(1, name);
        for (long x : v) p.varint(8, x);
        items.add(p.varint(20, 7));
        return this;
    }

    public Attrs floats(String name, float... v) {
        Proto p = new Proto().string(1, name);
        for (float x : v) p.float32(7, x);
        items.add(p.varint(20, 6));
        return this;
    }

    /** A tensor attribute holding one float32 value of shape [1] (ConstantOfShape's {@code value}). */
    public Attrs floatTensor(String name, float v) {
        int bits = Float.floatToRawIntBits(v);
        byte[] raw = {(byte) bits, (byte) (bits >>> 8), (byte) (bits >>> 16), (byte) (bits >>> 24)};
        Proto t = new Proto().varint(1, 1).varint(2, OnnxType.FLOAT.code).bytes(9, raw);
        items.add(new Proto().string(1, name).message(5, t).varint(20, 4));
        return this;
    }

    List<Proto> items() { return items; }
}
