package dev.lofilora.tensor;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lofilora.common.AtomicFiles;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Writes safetensors files the way the reference (Rust) writer does, so the output is byte-for-byte deterministic:
 * <ul>
 *   <li>tensors sorted by descending dtype in the reference's order ({@link DType#writeRank()}: I64, F64, F32, I32,
 *       BF16, F16, I16, I8, U8, BOOL — descending alignment), then by name;</li>
 *   <li>{@code __metadata__} first in the header (only when there is metadata), then the tensors in data order;</li>
 *   <li>the header padded with spaces so that {@code 8 + N} is a multiple of 8, which with the sort above puts every
 *       tensor at an absolute offset aligned to its element size (readers can map it without copying);</li>
 *   <li>data contiguous, row-major, little-endian (this platform's order); bf16/f16 bits written as they are.</li>
 * </ul>
 * Tensors may live on any device and have any layout: each is copied to a contiguous CPU tensor (one at a time) and
 * streamed to a temporary file in 1 MiB chunks, which is then renamed into place ({@link AtomicFiles}); the file is
 * never held in memory as a whole.
 */
public final class SafetensorsWriter {
    private static final ObjectMapper COMPACT = new ObjectMapper();
    private static final int CHUNK = 1 << 20;

    private SafetensorsWriter() {}

    /** {@link #write(Path, Map, Map)} without metadata. */
    public static void write(Path target, Map<String, Tensor> tensors) {
        write(target, tensors, Map.of());
    }

    /**
     * A tensor written when its turn comes: {@code supplier} is called once, inside the write, and its result freed
     * right after its bytes are out — so a file of tensors computed one by one (a merge) never holds more than one
     * of them in memory. The supplied tensor must have {@code dtype} and {@code shape}.
     */
    public record Deferred(String name, DType dtype, long[] shape, java.util.function.Supplier<Tensor> supplier) {}

    /** {@link #write(Path, Map, Map)} for tensors produced while writing (same layout, same bytes). */
    public static void writeDeferred(Path target, List<Deferred> tensors, Map<String, String> metadata) {
        List<Entry> entries = plan(tensors);
        write(target, entries, metadata);
    }

    /**
     * Writes {@code tensors} (name → tensor) and {@code metadata} (may be null or empty) to {@code target} atomically.
     * Throws {@link IllegalArgumentException} for an empty or reserved name or a dtype safetensors cannot hold here,
     * {@link UncheckedIOException} when the file cannot be written.
     */
    public static void write(Path target, Map<String, Tensor> tensors, Map<String, String> metadata) {
        List<Deferred> deferred = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            if (e.getKey() == null || e.getKey().isEmpty() || e.getKey().equals("__metadata__")) {
                throw new IllegalArgumentException("invalid tensor name \"" + e.getKey() + "\"");
            }
            if (e.getValue() == null || !e.getValue().defined()) {
                throw new IllegalArgumentException("tensor \"" + e.getKey() + "\" is null or undefined");
            }
            Tensor t = e.getValue();
            deferred.add(new Deferred(e.getKey(), dtypeOf(e.getKey(), t), Tensors.shape(t), () -> t));
        }
        write(target, plan(deferred), metadata);
    }

    private static void write(Path target, List<Entry> entries, Map<String, String> metadata) {
        byte[] header = header(entries, metadata == null ? Map.of() : metadata);
        try {
            AtomicFiles.write(target, out -> {
                ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length);
                out.write(len.array());
                out.write(header);
                byte[] chunk = new byte[CHUNK];
                for (Entry e : entries) writeData(out, e, chunk);
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
        }
    }

    private record Entry(String name, java.util.function.Supplier<Tensor> tensor, DType dtype, long[] shape, long begin,
                         long end) {}

    private static List<Entry> plan(List<Deferred> tensors) {
        List<Deferred> sorted = new ArrayList<>(tensors);
        java.util.Set<String> names = new java.util.HashSet<>();
        for (Deferred d : sorted) {
            if (d.name() == null || d.name().isEmpty() || d.name().equals("__metadata__") || !names.add(d.name())) {
                throw new IllegalArgumentException("invalid or repeated tensor name \"" + d.name() + "\"");
            }
        }
        sorted.sort(Comparator.<Deferred>comparingInt(d -> -d.dtype().writeRank()).thenComparing(Deferred::name));
        List<Entry> entries = new ArrayList<>();
        long offset = 0;
        for (Deferred d : sorted) {
            long n = 1;
            for (long s : d.shape()) n = Math.multiplyExact(n, s);
            long bytes = Math.multiplyExact(n, d.dtype().byteSize());
            entries.add(new Entry(d.name(), d.supplier(), d.dtype(), d.shape().clone(), offset, offset + bytes));
            offset += bytes;
        }
        return entries;
    }

    private static DType dtypeOf(String name, Tensor t) {
        return DType.fromScalarType(t.scalar_type()).orElseThrow(() -> new IllegalArgumentException("tensor \""
                + name + "\" has dtype " + t.scalar_type() + ", which is not one of " + Arrays.toString(DType.values())));
    }

    private static byte[] header(List<Entry> entries, Map<String, String> metadata) {
        ObjectNode root = COMPACT.createObjectNode();
        if (!metadata.isEmpty()) {
            ObjectNode meta = root.putObject("__metadata__");
            metadata.entrySet().stream().sorted(Map.Entry.comparingByKey())
                    .forEach(m -> meta.put(m.getKey(), m.getValue()));
        }
        for (Entry e : entries) {
            ObjectNode t = root.putObject(e.name);
            t.put("dtype", e.dtype.safetensorsName());
            ArrayNode shape = t.putArray("shape");
            for (long d : e.shape) shape.add(d);
            t.putArray("data_offsets").add(e.begin).add(e.end);
        }
        byte[] json;
        try {
            json = COMPACT.writeValueAsBytes(root);
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        int padded = (int) (((8L + json.length + 7) / 8) * 8 - 8);
        byte[] out = Arrays.copyOf(json, padded);
        Arrays.fill(out, json.length, padded, (byte) ' ');
        return out;
    }

    private static void writeData(OutputStream out, Entry e, byte[] chunk) throws IOException {
        long nbytes = e.end - e.begin;
        if (nbytes == 0) return;
        try (PointerScope scope = new PointerScope()) {
            // cpu() and contiguous() return the tensor itself when it already is a contiguous CPU tensor.
            Tensor c = e.tensor.get().detach().cpu().contiguous();
            if (c.nbytes() != nbytes || c.scalar_type().value != e.dtype.scalarType().value) {
                throw new IllegalStateException("tensor \"" + e.name + "\" has " + c.nbytes() + " bytes of "
                        + c.scalar_type() + ", expected " + nbytes + " of " + e.dtype);
            }
            BytePointer data = new BytePointer(c.data_ptr()).capacity(nbytes);
            for (long pos = 0; pos < nbytes; pos += CHUNK) {
                int n = (int) Math.min(CHUNK, nbytes - pos);
                data.position(pos).get(chunk, 0, n);
                out.write(chunk, 0, n);
            }
        }
    }
}
