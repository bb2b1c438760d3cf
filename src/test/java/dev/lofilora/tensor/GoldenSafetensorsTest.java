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
