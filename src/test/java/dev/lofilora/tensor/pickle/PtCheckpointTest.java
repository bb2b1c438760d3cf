package dev.lofilora.tensor.pickle;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lofilora.SharedFiles;
import dev.lofilora.common.Json;
import dev.lofilora.tensor.DType;
import dev.lofilora.tensor.SafetensorsFile;
import dev.lofilora.tensor.Tensors;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The restricted unpickler against the golden LAION-style checkpoint, hostile pickles, truncation and the legacy format. */
class PtCheckpointTest {
    @TempDir
    Path tmp;

    @Test
    void readsTheGoldenTrainingCheckpointBitExactly() throws IOException {
        Path dir = SharedFiles.require("golden/metrics/A/pt_checkpoint");
        JsonNode config = Json.readTree(dir.resolve("config.json"));
        try (PtCheckpoint ck = PtCheckpoint.open(dir.resolve("checkpoint.pt"));
             SafetensorsFile io = SafetensorsFile.open(dir.resolve("io.safetensors"))) {
            assertEquals(PtCheckpoint.Format.ZIP, ck.format());
            assertEquals("state_dict", ck.stateDictEntry());
            List<String> keys = new ArrayList<>();
            config.get("state_dict_keys").forEach(k -> keys.add(k.asText().substring("module.".length())));
            assertEquals(keys, ck.names(), "every key, module. stripped, in the OrderedDict's order");
            for (String name : io.names()) {
                Tensor got = ck.tensor(name);
                Tensor want = io.tensor(name);
                if (got.dim() == 0) got = got.reshape(1); // the golden stores 0-d tensors as [1]
                assertTrue(Tensors.bitIdentical(got, want), name + ": " + Tensors.describe(got) + " vs " + Tensors.describe(want));
            }
            assertEquals(DType.F16, ck.dtype("half_param"));
            assertArrayEquals(new long[] {32, 24}, ck.info("text_projection_t").shape());
            Map<String, Object> top = ck.topLevelValues();
            assertEquals(15L, top.get("epoch"));
            assertEquals(config.at("/top_level/name").asText(), top.get("name"));
            assertEquals(90.14, (Double) top.get("best_metric"), 0.0, "numpy float64 scalar");
            assertEquals(1234567L, top.get("num_samples"), "numpy int64 scalar");
        }
    }

    @Test
    void readsTheOptimizerStateOnlyWhenAsked() throws IOException {
        Path dir = SharedFiles.require("golden/metrics/A/pt_checkpoint");
        JsonNode expected = Json.readTree(dir.resolve("optimizer_expected.json"));
        try (PtCheckpoint ck = PtCheckpoint.open(dir.resolve("checkpoint.pt"))) {
            Map<?, ?> opt = (Map<?, ?>) ((Map<?, ?>) ck.root()).get("optimizer");
            Map<?, ?> state = (Map<?, ?>) opt.get("state");
            assertEquals(4, state.size());
            for (int i = 0; i < 4; i++) {
                Map<?, ?> s = (Map<?, ?>) state.get((long) i);
                JsonNode e = expected.get(Integer.toString(i));
                assertEquals(e.get("step").asLong(), s.get("step"), "step of param " + i);
                double sum = Arrays.stream(Tensors.toDoubleArray(ck.materialize((TensorRef) s.get("exp_avg")))).sum();
                assertEquals(e.get("exp_avg_sum").asDouble(), sum, 1e-6 * Math.max(1, Math.abs(sum)), "exp_avg sum " + i);
            }
            List<?> groups = (List<?>) opt.get("param_groups");
            PyTuple betas = (PyTuple) ((Map<?, ?>) groups.get(0)).get("betas");
            assertEquals(List.of(0.9, 0.99), betas.items());
        }
    }

    @Test
    void refusesAPickleThatWouldRunACommandWithoutRunningIt() throws IOException {
        Path marker = tmp.resolve("pwned");
        // The classic payload: posix.system("touch <marker>") — what pickle.load would execute.
        byte[] payload = PickleBytes.proto(2).global("posix", "system").mark().str("touch " + marker).tuple()
                .reduce().stop().bytes();
        Path pt = tmp.resolve("evil.pt");
        PickleBytes.writeZip(pt, payload, Map.of());
        PickleException e = assertThrows(PickleException.class, () -> PtCheckpoint.open(pt));
        assertTrue(e.getMessage().contains("'posix.system'"), e.getMessage());
        assertTrue(e.getMessage().contains("refused"), e.getMessage());
        assertFalse(Files.exists(marker), "nothing was executed");

        // The same hidden inside an otherwise valid state dict, named with STACK_GLOBAL (protocol 4).
        PickleBytes p = PickleBytes.proto(4).op('}').mark().str("state_dict").stackGlobal("collections", "OrderedDict")
                .op(')').reduce().mark().str("w").tensor("FloatStorage", "0", 2, 0, new long[] {2}, new long[] {1})
                .str("x").stackGlobal("builtins", "eval").mark().str("__import__('os').system('touch " + marker + "')")
                .tuple().reduce().op('u').op('u').stop();
        Path pt2 = tmp.resolve("evil2.pt");
        PickleBytes.writeZip(pt2, p.bytes(), Map.of("0", new byte[8]));
        PickleException e2 = assertThrows(PickleException.class, () -> PtCheckpoint.open(pt2));
        assertTrue(e2.getMessage().contains("'builtins.eval'"), e2.getMessage());
        assertFalse(Files.exists(marker));
    }

    @Test
    void refusesCodeOpcodesAndNonStoragePersistentIds() throws IOException {
        byte[] inst = PickleBytes.proto(2).mark().op('i').raw("os\nsystem\n".getBytes()).stop().bytes();
        Path pt = tmp.resolve("inst.pt");
        PickleBytes.writeZip(pt, inst, Map.of());
        assertTrue(assertThrows(PickleException.class, () -> PtCheckpoint.open(pt)).getMessage().contains("INST"));
    }

    @Test
    void aTruncatedCheckpointIsAClearError() throws IOException {
        Path golden = SharedFiles.require("golden/metrics/A/pt_checkpoint/checkpoint.pt");
        byte[] all = Files.readAllBytes(golden);
        Path cut = tmp.resolve("cut.pt");
        Files.write(cut, Arrays.copyOf(all, all.length / 2));
        PickleException e = assertThrows(PickleException.class, () -> PtCheckpoint.open(cut));
        assertTrue(e.getMessage().contains(cut.toString()) && e.getMessage().contains("truncated"), e.getMessage());

        Path notPt = tmp.resolve("text.pt");
        Files.writeString(notPt, "hello, not a checkpoint");
        assertTrue(assertThrows(PickleException.class, () -> PtCheckpoint.open(notPt)).getMessage()
                .contains("neither a zip nor a pickle"));
    }

    @Test
    void readsTheLegacyFormatWithAViewAndMixedDtypes() throws IOException {
        // Two storages: "s1" float [2,3] holding 0..5 (weight = transposed view [3,2]) and "s2" int64 [3].
        float[] w = {0, 1, 2, 3, 4, 5};
        long[] ids = {7, -8, 1L << 40};
        PickleBytes main = PickleBytes.proto(2).global("collections", "OrderedDict").op(')').reduce().mark()
                .str("features.0.weight").tensor("FloatStorage", "s1", 6, 0, new long[] {3, 2}, new long[] {1, 3})
                .str("ids").tensor("LongStorage", "s2", 3, 0, new long[] {3}, new long[] {1})
                .str("row").tensor("FloatStorage", "s1", 6, 3, new long[] {3}, new long[] {1})
                .op('u').stop();
        ByteBuffer magic = ByteBuffer.allocate(10).order(ByteOrder.LITTLE_ENDIAN);
        byte[] be = LegacyFormat.MAGIC.toByteArray();
        for (int i = be.length - 1; i >= 0 && magic.hasRemaining(); i--) magic.put(be[i]);
        byte[] file = concat(
                PickleBytes.proto(2).op(0x8a).op(10).raw(magic.array()).stop().bytes(),
                PickleBytes.proto(2).integer(1001).stop().bytes(),
                PickleBytes.proto(2).op('}').str("little_endian").op(0x88).op('s').stop().bytes(),
                main.bytes(),
                PickleBytes.proto(2).op(']').mark().str("s1").str("s2").op('e').stop().bytes(),
                storage(6, floats(w)), storage(3, longs(ids)));
        Path pth = tmp.resolve("vggish.pth");
        Files.write(pth, file);
        try (PtCheckpoint ck = PtCheckpoint.open(pth)) {
            assertEquals(PtCheckpoint.Format.LEGACY, ck.format());
            assertEquals(List.of("features.0.weight", "ids", "row"), ck.names());
            assertArrayEquals(new float[] {0, 3, 1, 4, 2, 5}, Tensors.toFloatArray(ck.tensor("features.0.weight")));
            assertArrayEquals(ids, Tensors.toLongArray(ck.tensor("ids")));
            assertArrayEquals(new float[] {3, 4, 5}, Tensors.toFloatArray(ck.tensor("row")));
        }
        Path cut = tmp.resolve("cut.pth");
        Files.write(cut, Arrays.copyOf(file, file.length - 5));
        assertTrue(assertThrows(PickleException.class, () -> PtCheckpoint.open(cut)).getMessage().contains("truncated"));
    }

    private static byte[] storage(long numel, byte[] data) {
        return concat(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(numel).array(), data);
    }

    private static byte[] floats(float[] v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) b.putFloat(f);
        return b.array();
    }

    private static byte[] longs(long[] v) {
        ByteBuffer b = ByteBuffer.allocate(8 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (long l : v) b.putLong(l);
        return b.array();
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) n += p.length;
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) { System.arraycopy(p, 0, out, at, p.length); at += p.length; }
        return out;
    }
}
