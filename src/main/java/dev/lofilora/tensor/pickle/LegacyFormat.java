package dev.lofilora.tensor.pickle;

import org.bytedeco.javacpp.BytePointer;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The pre-1.6 {@code torch.save} format (torch/serialization.py {@code _legacy_load}; torchvggish's 2019 release
 * uses it): five pickles back to back — magic number {@code 0x1950a86a20f9469cfc6c}, protocol version 1001, a
 * sys-info dict, the object (storages as persistent ids), the list of storage keys — then, for each key in that
 * order, the storage as an int64 element count followed by its raw little-endian bytes.
 */
final class LegacyFormat {
    static final BigInteger MAGIC = new BigInteger("1950a86a20f9469cfc6c", 16);
    static final long PROTOCOL_VERSION = 1001;

    private LegacyFormat() {}

    /** The object and its storage data; {@code storages} interns storage references (the caller's map). */
    static Object read(ByteBuffer buf, Path file, Map<String, StorageRef> storages, StorageData[] out) {
        ByteBuffer b = buf.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        Unpickler.Hooks plain = headerHooks(file);
        Object magic = next(b, file, plain);
        if (!MAGIC.equals(magic instanceof Long l ? BigInteger.valueOf(l) : magic)) {
            throw new PickleException(file, "starts with a pickle that is not torch.save's magic number",
                    "this is not a PyTorch checkpoint");
        }
        Object version = next(b, file, plain);
        if (!Long.valueOf(PROTOCOL_VERSION).equals(version)) {
            throw new PickleException(file, "has legacy torch.save protocol version " + version + " (expected 1001)",
                    "re-save the checkpoint with a current torch.save");
        }
        Object sysInfo = next(b, file, plain);
        if (sysInfo instanceof Map<?, ?> m && Boolean.FALSE.equals(m.get("little_endian"))) {
            throw new PickleException(file, "was saved on a big-endian machine", "re-save it on a little-endian one");
        }
        Object root = next(b, file, new TorchGlobals(file, s -> storages.merge(s.key(), s, (a, c) -> a)));
        Object keys = next(b, file, plain);
        if (!(keys instanceof List<?> list)) throw new PickleException(file, "has no storage key list", "download it again");
        Map<String, Long> offsets = new HashMap<>();
        long pos = b.position();
        for (Object k : list) {
            StorageRef s = storages.get(String.valueOf(k));
            if (s == null) throw new PickleException(file, "lists storage " + k + " that no tensor uses", "download it again");
            if (pos + 8 > b.limit()) throw truncated(file);
            long numel = b.getLong((int) pos);
            if (numel != s.numel()) {
                throw new PickleException(file, "storage " + k + " holds " + numel + " elements, its tensors say "
                        + s.numel(), "the file is damaged; download it again");
            }
            offsets.put(s.key(), pos + 8);
            pos += 8 + s.nbytes();
            if (pos > b.limit()) throw truncated(file);
        }
        out[0] = new Data(buf, offsets, file);
        return root;
    }

    /** The header pickles hold numbers, strings and dicts only: any global or persistent id is refused. */
    private static Unpickler.Hooks headerHooks(Path file) {
        return new Unpickler.Hooks() {
            private PickleException refuse(String what) {
                return new PickleException(file, "has " + what + " in its torch.save header", "this is not a "
                        + "PyTorch checkpoint header; refused without running anything");
            }

            @Override public Object global(String module, String name) { throw refuse("the global " + module + "." + name); }

            @Override public Object call(Object callable, PyTuple args) { throw refuse("a call"); }

            @Override public Object build(Object obj, Object state) { throw refuse("a BUILD"); }

            @Override public Object persistentLoad(Object pid) { throw refuse("a persistent id"); }
        };
    }

    private static Object next(ByteBuffer b, Path file, Unpickler.Hooks hooks) {
        Unpickler u = new Unpickler(b.slice(), file, hooks);
        Object o = u.load();
        b.position(b.position() + u.position());
        return o;
    }

    private static PickleException truncated(Path file) {
        return new PickleException(file, "ends inside its storage data (the file is truncated)",
                "download the checkpoint again and compare its size with the published one");
    }

    private record Data(ByteBuffer buf, Map<String, Long> offsets, Path file) implements StorageData {
        @Override
        public void read(StorageRef s, BytePointer dst) {
            Long at = offsets.get(s.key());
            if (at == null) throw new PickleException(file, "has no data for storage " + s.key(), "download it again");
            ByteBuffer src = buf.duplicate();
            byte[] chunk = new byte[1 << 20];
            long done = 0;
            while (done < s.nbytes()) {
                int n = (int) Math.min(chunk.length, s.nbytes() - done);
                src.position((int) (at + done));
                src.get(chunk, 0, n);
                dst.position(done).put(chunk, 0, n);
                done += n;
            }
            dst.position(0);
        }

        @Override
        public void close() {}
    }
}
