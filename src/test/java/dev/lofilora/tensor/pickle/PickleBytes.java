package dev.lofilora.tensor.pickle;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Test fixture: writes pickle opcodes by hand (the way CPython's pickler emits them, protocol 2–4) and packs them into
 * the containers torch.save uses, so tests can build checkpoints no Python produced here — hostile ones included.
 */
final class PickleBytes {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    static PickleBytes proto(int p) {
        PickleBytes b = new PickleBytes();
        b.op(0x80).op(p);
        return b;
    }

    PickleBytes op(int code) { out.write(code); return this; }

    PickleBytes raw(byte[] b) { out.write(b, 0, b.length); return this; }

    PickleBytes str(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        if (b.length < 256) { op(0x8c).op(b.length); } else { op('X').raw(le32(b.length)); }
        return raw(b);
    }

    PickleBytes integer(long v) {
        if (v >= 0 && v < 256) return op('K').op((int) v);
        if (v >= 0 && v < 65536) return op('M').raw(new byte[] {(byte) v, (byte) (v >> 8)});
        if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) return op('J').raw(le32((int) v));
        return op(0x8a).op(8).raw(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array());
    }

    /** protocol-2 GLOBAL "module\nname\n". */
    PickleBytes global(String module, String name) {
        return op('c').raw((module + "\n" + name + "\n").getBytes(StandardCharsets.US_ASCII));
    }

    PickleBytes stackGlobal(String module, String name) { return str(module).str(name).op(0x93); }

    PickleBytes mark() { return op('('); }

    PickleBytes tuple() { return op('t'); }

    PickleBytes reduce() { return op('R'); }

    PickleBytes stop() { return op('.'); }

    /** {@code _rebuild_tensor_v2(storage(type, key, numel), offset, shape, stride, False, OrderedDict())}. */
    PickleBytes tensor(String storageType, String key, long numel, long offset, long[] shape, long[] stride) {
        stackGlobal("torch._utils", "_rebuild_tensor_v2").mark();
        mark().str("storage").stackGlobal("torch", storageType).str(key).str("cpu").integer(numel).tuple().op('Q');
        integer(offset);
        mark();
        for (long d : shape) integer(d);
        tuple();
        mark();
        for (long s : stride) integer(s);
        tuple();
        op(0x89).stackGlobal("collections", "OrderedDict").op(')').reduce();
        return tuple().reduce();
    }

    byte[] bytes() { return out.toByteArray(); }

    static byte[] le32(int v) { return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array(); }

    /** A torch.save zip: {@code archive/data.pkl}, {@code archive/data/<key>} records (stored), {@code archive/version}. */
    static void writeZip(Path target, byte[] pickle, Map<String, byte[]> storages) throws IOException {
        try (OutputStream fo = Files.newOutputStream(target); ZipOutputStream z = new ZipOutputStream(fo)) {
            stored(z, "archive/data.pkl", pickle);
            for (Map.Entry<String, byte[]> e : storages.entrySet()) stored(z, "archive/data/" + e.getKey(), e.getValue());
            stored(z, "archive/version", "3\n".getBytes(StandardCharsets.US_ASCII));
        }
    }

    private static void stored(ZipOutputStream z, String name, byte[] data) throws IOException {
        ZipEntry e = new ZipEntry(name);
        e.setMethod(ZipEntry.STORED);
        e.setSize(data.length);
        CRC32 crc = new CRC32();
        crc.update(data);
        e.setCrc(crc.getValue());
        z.putNextEntry(e);
        z.write(data);
        z.closeEntry();
    }
}
