package dev.lofilora.tensor;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lofilora.SharedFiles;
import dev.lofilora.common.Json;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every golden file of ../shared/golden opens, and its names, shapes and dtypes match the golden's own manifest. */
class GoldenSafetensorsTest {

    @Test
    void acestepFilesMatchTheManifest() {
        Path dir = SharedFiles.require("golden/acestep/A");
        JsonNode files = Json.readTree(dir.resolve("manifest.json")).get("files");
        assertEquals(6, files.size(), "manifest lists 6 safetensors files");
        int checked = 0;
        for (Iterator<Map.Entry<String, JsonNode>> it = files.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> file = it.next();
            try (SafetensorsFile f = SafetensorsFile.open(dir.resolve(file.getKey()))) {
                assertEquals(file.getValue().size(), f.names().size(), file.getKey() + ": tensor count");
                for (Iterator<Map.Entry<String, JsonNode>> t = file.getValue().fields(); t.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = t.next();
                    TensorInfo info = f.info(e.getKey());
                    assertEquals(torchName(info.dtype()), e.getValue().get(0).asText(), e.getKey());
                    assertArrayEquals(longs(e.getValue().get(1)), info.shape(), e.getKey());
                    checked++;
                }
            }
        }
        assertTrue(checked > 300, "checked " + checked + " tensors");
    }

    @Test
    void codecsFilesMatchTheirTolerancesFiles() throws IOException {
        Path root = SharedFiles.require("golden/codecs/A");
        List<Path> components;
        try (Stream<Path> s = Files.list(root)) {
            components = s.filter(Files::isDirectory).sorted().toList();
        }
        assertEquals(List.of("dcae", "logmel", "pipeline", "umt5", "vocoder"),
                components.stream().map(p -> p.getFileName().toString()).toList());
        for (Path c : components) {
            JsonNode tol = Json.readTree(c.resolve("tolerances.json"));
            try (SafetensorsFile io = SafetensorsFile.open(c.resolve("io.safetensors"))) {
                List<String> expected = new ArrayList<>();
                tol.fieldNames().forEachRemaining(n -> { if (!n.startsWith("_")) expected.add(n); });
                assertEquals(expected.stream().sorted().toList(), io.names().stream().sorted().toList(), c.toString());
                for (String n : expected) {
                    TensorInfo info = io.info(n);
                    assertArrayEquals(longs(tol.get(n).get("shape")), info.shape(), c + "/" + n);
                    assertEquals(tol.get(n).get("dtype").asText(), torchName(info.dtype()), c + "/" + n);
                }
            }
            if (Files.exists(c.resolve("weights.safetensors"))) {
                try (TensorSource w = Safetensors.open(c.resolve("weights.safetensors"))) {
                    assertTrue(w.names().size() > 5, c + " weights");
                    Tensor first = w.tensor(w.names().get(0));
                    assertEquals(w.info(w.names().get(0)).numel(), first.numel());
                    first.close();
                }
            }
        }
    }

    @Test
    void goldenValuesReadZeroCopyAndAsStored() {
        Path dir = SharedFiles.require("golden/codecs/A/umt5");
        try (SafetensorsFile io = SafetensorsFile.open(dir.resolve("io.safetensors"))) {
            Tensor mask = io.tensor("attention_mask");
            assertEquals(DType.I64, DType.fromScalarType(mask.scalar_type()).orElseThrow());
            long[] m = Tensors.toLongArray(mask);
            // README: row 1 is padded after 17 tokens, row 0 is full (24 tokens).
            long row0 = 0, row1 = 0;
            for (int i = 0; i < 24; i++) { row0 += m[i]; row1 += m[24 + i]; }
            assertEquals(24, row0);
            assertEquals(17, row1);
            assertTrue(io.isZeroCopy("attention_mask"));
            long addr = mask.data_ptr().address();
            assertTrue(addr >= io.mappedAddress() && addr < io.mappedAddress() + io.fileLength());
        }
    }

    /**
     * Rewriting a golden file with {@link SafetensorsWriter} gives the same tensor order, offsets, header length
     * (padding) and data bytes. The one allowed difference is where {@code __metadata__} sits in the header: the
     * goldens' writer put it last, ours puts it first (both valid; readers do not care).
     */
    @Test
    void rewritingGoldenFilesReproducesTheReferenceWriterLayout(@org.junit.jupiter.api.io.TempDir Path tmp)
            throws IOException {
        // All-F32 files: the goldens' writer sorted by name only, which for one dtype is the reference order too.
        for (String rel : List.of("golden/acestep/A/weights.safetensors", "golden/acestep/A/lora.safetensors",
                "golden/codecs/A/dcae/weights.safetensors", "golden/codecs/A/vocoder/weights.safetensors")) {
            Path golden = SharedFiles.require(rel);
            Path copy = tmp.resolve(golden.getFileName() + "." + rel.hashCode());
            try (SafetensorsFile f = SafetensorsFile.open(golden)) {
                Map<String, Tensor> all = new java.util.LinkedHashMap<>();
                for (String n : f.names()) all.put(n, f.tensor(n));
                SafetensorsWriter.write(copy, all, f.metadata());
            }
            byte[] a = Files.readAllBytes(golden);
            byte[] b = Files.readAllBytes(copy);
            assertEquals(a.length, b.length, rel);
            long n = java.nio.ByteBuffer.wrap(a, 0, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
            assertArrayEquals(java.util.Arrays.copyOfRange(a, 0, 8), java.util.Arrays.copyOfRange(b, 0, 8), rel + " header length");
            assertArrayEquals(java.util.Arrays.copyOfRange(a, 8 + (int) n, a.length),
                    java.util.Arrays.copyOfRange(b, 8 + (int) n, b.length), rel + " data bytes");
            JsonNode ha = Json.MAPPER.readTree(new String(a, 8, (int) n, java.nio.charset.StandardCharsets.UTF_8));
            JsonNode hb = Json.MAPPER.readTree(new String(b, 8, (int) n, java.nio.charset.StandardCharsets.UTF_8));
            assertEquals(ha, hb, rel + " header content");
            List<String> ka = new ArrayList<>();
            List<String> kb = new ArrayList<>();
            ha.fieldNames().forEachRemaining(k -> { if (!k.equals("__metadata__")) ka.add(k); });
            hb.fieldNames().forEachRemaining(k -> { if (!k.equals("__metadata__")) kb.add(k); });
            assertEquals(ka, kb, rel + " tensor order");
        }
    }

    private static String torchName(DType d) {
        return switch (d) {
            case F32 -> "float32"; case F64 -> "float64"; case I64 -> "int64"; case BF16 -> "bfloat16";
            case F16 -> "float16"; case I32 -> "int32"; case BOOL -> "bool"; default -> d.name();
        };
    }

    private static long[] longs(JsonNode arr) {
        long[] out = new long[arr.size()];
        for (int i = 0; i < out.length; i++) out[i] = arr.get(i).asLong();
        return out;
    }
}
