package dev.lofilora.tensor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Writer output read back by the reader: bit-identical values, aligned header, deterministic order, zero-copy. */
class SafetensorsRoundTripTest {
    @TempDir
    Path tmp;

    /** A tensor of {@code dtype} and {@code shape} with varied values (incl. NaN, ±inf, −0, subnormal for floats). */
    static Tensor sample(DType dtype, long seed, long... shape) {
        int n = 1;
        for (long d : shape) n *= (int) d;
        Random r = new Random(seed);
        if (dtype.isFloatingPoint()) {
            double[] v = new double[n];
            double[] special = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -0.0, 1e-40, 65504};
            for (int i = 0; i < n; i++) v[i] = i < special.length ? special[i] : r.nextGaussian() * 100;
            try (Tensor d = Tensors.fromDoubleArray(v, shape)) {
                return d.to(dtype.scalarType());
            }
        }
        long[] v = new long[n];
        for (int i = 0; i < n; i++) {
            v[i] = switch (dtype) {
                case BOOL -> r.nextInt(2);
                case U8 -> r.nextInt(256);
                case I8 -> r.nextInt(256) - 128;
                case I16 -> r.nextInt(65536) - 32768;
                case I32 -> r.nextInt();
                default -> r.nextLong();
            };
        }
        try (Tensor l = Tensors.fromLongArray(v, shape)) {
            return l.to(dtype.scalarType());
        }
    }

    @Test
    void everyDtypeRoundTripsBitIdenticalIncludingScalarsAndZeroSize() {
        Map<String, Tensor> written = new LinkedHashMap<>();
        long seed = 1;
        for (DType d : DType.values()) {
            written.put(d + ".matrix", sample(d, seed++, 3, 5));
            written.put(d + ".scalar", sample(d, seed++));
            written.put(d + ".empty", sample(d, seed++, 0, 4));
        }
        Path file = tmp.resolve("all.safetensors");
        SafetensorsWriter.write(file, written, Map.of("format", "pt"));
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            assertEquals(written.size(), f.names().size());
            for (Map.Entry<String, Tensor> e : written.entrySet()) {
                Tensor back = f.tensor(e.getKey());
                DType d = DType.valueOf(e.getKey().substring(0, e.getKey().indexOf('.')));
                assertEquals(d, f.info(e.getKey()).dtype(), e.getKey());
                assertEquals(d, DType.fromScalarType(back.scalar_type()).orElseThrow(), e.getKey());
                assertArrayEquals(Tensors.shape(e.getValue()), Tensors.shape(back), e.getKey());
                assertTrue(Tensors.bitIdentical(e.getValue(), back), e.getKey() + " is bit-identical");
            }
            assertArrayEquals(new long[0], f.info("F32.scalar").shape());
            assertEquals(0, f.info("I64.empty").byteSize());
        }
        // The fixtures really do hold the special values (NaN and -0 survive as bits, not just as "equal").
        assertTrue(Double.isNaN(Tensors.toDoubleArray(written.get("BF16.matrix"))[0]));
        assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(Tensors.toDoubleArray(written.get("F16.matrix"))[3]));
    }

    @Test
    void headerIsPaddedToEightBytesSortedByAlignmentThenNameWithMetadataFirst() throws IOException {
        Map<String, Tensor> t = new LinkedHashMap<>();
        t.put("b_bool", sample(DType.BOOL, 1, 3));
        t.put("z_f64", sample(DType.F64, 2, 2));
        t.put("a_bf16", sample(DType.BF16, 3, 3));
        t.put("a_f32", sample(DType.F32, 4, 5));
        t.put("y_i64", sample(DType.I64, 5, 1));
        t.put("c_f16", sample(DType.F16, 6, 1));
        Path file = tmp.resolve("order.safetensors");
        SafetensorsWriter.write(file, t, Map.of("format", "pt", "lofi.scale_baked", "true"));

        byte[] bytes = Files.readAllBytes(file);
        long n = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, (8 + n) % 8, "8 + N is a multiple of 8");
        String header = new String(bytes, 8, (int) n, StandardCharsets.UTF_8);
        assertTrue(header.startsWith("{\"__metadata__\":{"), header);
        JsonNode root = new ObjectMapper().readTree(header);
        List<String> keys = new ArrayList<>();
        root.fieldNames().forEachRemaining(keys::add);
        // The reference writer's order: dtype descending as in its Dtype enum (I64 > F64 > F32 > BF16 > F16 > BOOL),
        // then name.
        assertEquals(List.of("__metadata__", "y_i64", "z_f64", "a_f32", "a_bf16", "c_f16", "b_bool"), keys);
        assertTrue(header.substring(header.lastIndexOf('}') + 1).isBlank(), "padding is spaces");

        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            assertEquals(List.of("y_i64", "z_f64", "a_f32", "a_bf16", "c_f16", "b_bool"), f.names());
            assertEquals(Map.of("format", "pt", "lofi.scale_baked", "true"), f.metadata());
            for (String name : f.names()) {
                TensorInfo info = f.info(name);
                assertEquals(0, (f.dataStart() + info.begin()) % info.dtype().byteSize(), name + " aligned");
                assertTrue(f.isZeroCopy(name), name);
            }
            assertEquals(bytes.length, f.fileLength());
        }
    }

    @Test
    void emptyFilesAndUnusualNamesRoundTrip() {
        Path empty = tmp.resolve("empty.safetensors");
        SafetensorsWriter.write(empty, Map.of(), Map.of("note", "nothing here"));
        try (SafetensorsFile f = SafetensorsFile.open(empty)) {
            assertTrue(f.names().isEmpty());
            assertEquals("nothing here", f.metadata().get("note"));
        }
        String odd = "naïve \"quoted\" \\ name/with.dots 名前";
        Path file = tmp.resolve("names.safetensors");
        SafetensorsWriter.write(file, Map.of(odd, sample(DType.F32, 1, 2)), Map.of("ключ", "значение \"x\""));
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            assertEquals(List.of(odd), f.names());
            assertEquals("значение \"x\"", f.metadata().get("ключ"));
        }
    }

    @Test
    void everyDtypeIsPlacedInTheReferenceWritersOrder() {
        Map<String, Tensor> t = new LinkedHashMap<>();
        for (DType d : DType.values()) t.put("t" + d.ordinal(), sample(d, d.ordinal(), 3));
        Path file = tmp.resolve("ranks.safetensors");
        SafetensorsWriter.write(file, t, null);
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            List<DType> order = f.names().stream().map(n -> f.info(n).dtype()).toList();
            assertEquals(List.of(DType.I64, DType.F64, DType.F32, DType.I32, DType.BF16, DType.F16, DType.I16, DType.I8,
                    DType.U8, DType.BOOL), order);
            for (String n : f.names()) assertTrue(f.isZeroCopy(n), n);
        }
    }

    @Test
    void sameTensorsGiveTheSameBytesWhateverTheMapOrder() throws IOException {
        Map<String, Tensor> a = new LinkedHashMap<>();
        a.put("x", sample(DType.F32, 1, 4, 4));
        a.put("w", sample(DType.BF16, 2, 8));
        a.put("k", sample(DType.I64, 3, 2));
        Map<String, Tensor> b = new TreeMap<>(java.util.Comparator.reverseOrder());
        b.putAll(a);
        SafetensorsWriter.write(tmp.resolve("a.safetensors"), a, Map.of("m", "1", "n", "2"));
        SafetensorsWriter.write(tmp.resolve("b.safetensors"), b, new TreeMap<>(Map.of("n", "2", "m", "1")));
        assertArrayEquals(Files.readAllBytes(tmp.resolve("a.safetensors")), Files.readAllBytes(tmp.resolve("b.safetensors")));
    }

    @Test
    void nonContiguousTensorsAreWrittenRowMajorAndLargeOnesInChunks() {
        float[] v = {0, 1, 2, 3, 4, 5};
        Tensor base = Tensors.fromFloatArray(v, 2, 3);
        Tensor transposed = base.t(); // [3, 2], not contiguous
        assertFalse(transposed.is_contiguous());
        float[] big = new float[700_000]; // 2.8 MB: three 1 MiB chunks
        for (int i = 0; i < big.length; i++) big[i] = i * 0.5f;
        Path file = tmp.resolve("layout.safetensors");
        SafetensorsWriter.write(file, Map.of("t", transposed, "big", Tensors.fromFloatArray(big, 700, 1000)), null);
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            assertArrayEquals(new float[]{0, 3, 1, 4, 2, 5}, Tensors.toFloatArray(f.tensor("t")));
            assertArrayEquals(big, Tensors.toFloatArray(f.tensor("big")));
            assertTrue(f.metadata().isEmpty());
        }
    }

    @Test
    void alignedTensorsAreViewsOfTheMappingAndOutliveTheFileAndScopes() {
        Path file = tmp.resolve("view.safetensors");
        SafetensorsWriter.write(file, Map.of("w", sample(DType.F32, 7, 16, 16), "b", sample(DType.BF16, 8, 16)), null);
        Tensor w;
        Tensor w2;
        float[] expected;
        SafetensorsFile f;
        try (PointerScope scope = new PointerScope()) {
            // Opened inside a scope that closes first: the file keeps its own reference to the mapping.
            f = SafetensorsFile.open(file);
        }
        long start = f.mappedAddress();
        w = f.tensor("w");
        w2 = f.tensor("w");
        long addr = w.data_ptr().address();
        assertTrue(addr >= start + f.dataStart() && addr + w.nbytes() <= start + f.fileLength(),
                "data pointer lies inside the mapped file");
        assertEquals(start + f.dataStart() + f.info("w").begin(), addr);
        assertTrue(w.is_alias_of(w2), "two reads share the mapped storage");
        Tensor b = f.tensor("b");
        long baddr = b.data_ptr().address();
        assertEquals(start + f.dataStart() + f.info("b").begin(), baddr);
        expected = Tensors.toFloatArray(w);
        f.close();
        assertThrows(IllegalStateException.class, () -> f.tensor("w"));
        // The views still hold the mapping after close().
        assertArrayEquals(expected, Tensors.toFloatArray(w));
        assertEquals(256, w2.numel());
    }

    @Test
    void misalignedTensorsAreCopiedWithCorrectValues() throws IOException {
        // A hand-made file whose header length (N = 2 + 8k) puts the F32 data at an odd-for-4 offset.
        float[] values = {1.5f, -2.25f, 3e-3f};
        String json = "{\"x\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,12]}}";
        while ((8 + json.length()) % 4 != 2) json += " ";
        ByteBuffer buf = ByteBuffer.allocate(8 + json.length() + 12).order(ByteOrder.LITTLE_ENDIAN);
        buf.putLong(json.length()).put(json.getBytes(StandardCharsets.UTF_8));
        for (float v : values) buf.putFloat(v);
        Path file = tmp.resolve("misaligned.safetensors");
        Files.write(file, buf.array());
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            assertFalse(f.isZeroCopy("x"));
            Tensor x = f.tensor("x");
            assertArrayEquals(values, Tensors.toFloatArray(x));
            long addr = x.data_ptr().address();
            assertTrue(addr < f.mappedAddress() || addr >= f.mappedAddress() + f.fileLength(), "a copy, not a view");
        }
    }

    @Test
    void writesAtomicallyReplacingTheOldFileAndLeavingNoTemporaries() throws IOException {
        Path file = tmp.resolve("atomic.safetensors");
        SafetensorsWriter.write(file, Map.of("a", sample(DType.F32, 1, 2)), null);
        SafetensorsWriter.write(file, Map.of("b", sample(DType.F32, 2, 3)), null);
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            assertEquals(List.of("b"), f.names());
        }
        try (Stream<Path> s = Files.list(tmp)) {
            assertEquals(List.of("atomic.safetensors"), s.map(p -> p.getFileName().toString()).toList());
        }
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> SafetensorsWriter.write(tmp.resolve("x.safetensors"), Map.of("__metadata__", sample(DType.F32, 1, 1)), null));
        assertTrue(bad.getMessage().contains("__metadata__"));
        assertFalse(Files.exists(tmp.resolve("x.safetensors")));
    }

    @Test
    void tensorsHelpersConvertAndMeasureInFloat64() {
        Tensor a = Tensors.fromFloatArray(new float[]{1, -4, 2, 0.5f}, 2, 2);
        Tensor b = Tensors.fromDoubleArray(new double[]{1, -4.25, 2, 0.5}, 2, 2);
        assertEquals(0.25, Tensors.maxAbsDiff(a, b), 0);
        assertEquals(4.0, Tensors.maxAbs(a), 0);
        assertEquals("F32[2, 2]", Tensors.describe(a));
        assertThrows(IllegalArgumentException.class, () -> Tensors.maxAbsDiff(a, Tensors.fromFloatArray(new float[4], 4)));
        assertThrows(IllegalArgumentException.class, () -> Tensors.fromFloatArray(new float[3], 2, 2));
        assertArrayEquals(new long[]{7, -3}, Tensors.toLongArray(Tensors.fromLongArray(new long[]{7, -3}, 2)));
        Tensor withNan = Tensors.fromFloatArray(new float[]{1, Float.NaN, 2, 0.5f}, 2, 2);
        assertTrue(Double.isNaN(Tensors.maxAbsDiff(a, withNan)), "NaN propagates so a comparison cannot pass");
        assertNotEquals(0, Tensors.maxAbsDiff(a, Tensors.fromFloatArray(new float[]{1, -4, 2, 0.5000001f}, 2, 2)));
        assertEquals(Arrays.toString(new long[0]), Arrays.toString(Tensors.shape(sample(DType.F32, 1))));
    }
}
