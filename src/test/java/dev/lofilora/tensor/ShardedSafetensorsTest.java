package dev.lofilora.tensor;

import dev.lofilora.common.LofiException;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Sharded checkpoints (*.safetensors.index.json) and {@link Safetensors#open} on files, indexes and folders. */
class ShardedSafetensorsTest {
    @TempDir
    Path tmp;

    private static final String INDEX = "diffusion_pytorch_model.safetensors.index.json";

    @BeforeEach
    void writeTwoShards() throws IOException {
        SafetensorsWriter.write(tmp.resolve("shard-1.safetensors"), Map.of(
                "a.weight", Tensors.fromFloatArray(new float[]{1, 2, 3, 4}, 2, 2),
                "a.bias", Tensors.fromFloatArray(new float[]{5, 6}, 2)), null);
        SafetensorsWriter.write(tmp.resolve("shard-2.safetensors"), Map.of(
                "b.weight", Tensors.fromFloatArray(new float[]{7, 8, 9}, 3),
                "b.ids", Tensors.fromLongArray(new long[]{10, 11}, 2)), null);
    }

    private Path index(String weightMap) throws IOException {
        Path p = tmp.resolve(INDEX);
        Files.writeString(p, "{\"metadata\":{\"total_size\":52},\"weight_map\":{" + weightMap + "}}");
        return p;
    }

    private static final String GOOD = "\"b.weight\":\"shard-2.safetensors\",\"a.weight\":\"shard-1.safetensors\","
            + "\"a.bias\":\"shard-1.safetensors\",\"b.ids\":\"shard-2.safetensors\"";

    @Test
    void readsEveryTensorFromItsShardInIndexOrder() throws IOException {
        Path idx = index(GOOD);
        try (TensorSource s = Safetensors.open(idx)) {
            ShardedSafetensors sharded = assertInstanceOf(ShardedSafetensors.class, s);
            assertEquals(List.of("b.weight", "a.weight", "a.bias", "b.ids"), s.names());
            assertEquals(2, sharded.shards().size());
            assertArrayEquals(new float[]{7, 8, 9}, Tensors.toFloatArray(s.tensor("b.weight")));
            assertArrayEquals(new float[]{1, 2, 3, 4}, Tensors.toFloatArray(s.tensor("a.weight")));
            assertArrayEquals(new long[]{10, 11}, Tensors.toLongArray(s.tensor("b.ids")));
            assertEquals(DType.I64, s.info("b.ids").dtype());
            assertEquals("52", s.metadata().get("total_size"));
            assertTrue(s.contains("a.bias"));
            assertThrows(SafetensorsException.class, () -> s.tensor("c"));
        }
        // A folder with exactly one index opens it too.
        try (TensorSource s = Safetensors.open(tmp)) {
            assertInstanceOf(ShardedSafetensors.class, s);
            assertEquals(4, s.names().size());
        }
    }

    @Test
    void aFolderWithASingleFilePrefersIt() throws IOException {
        index(GOOD);
        SafetensorsWriter.write(tmp.resolve("model.safetensors"), Map.of("m", Tensors.fromFloatArray(new float[]{1}, 1)), null);
        try (TensorSource s = Safetensors.open(tmp)) {
            assertInstanceOf(SafetensorsFile.class, s);
            assertEquals(List.of("m"), s.names());
        }
    }

    @Test
    void indexNamingAMissingShard() throws IOException {
        Path idx = index(GOOD + ",\"c.weight\":\"shard-3.safetensors\"");
        SafetensorsException e = assertThrows(SafetensorsException.class, () -> ShardedSafetensors.open(idx));
        assertTrue(e.getMessage().contains(idx.toString()) && e.getMessage().contains("shard-3.safetensors")
                && e.getMessage().contains("is missing"), e.getMessage());
    }

    @Test
    void indexMappingANameToTheWrongShard() throws IOException {
        Path idx = index("\"a.weight\":\"shard-2.safetensors\"");
        SafetensorsException e = assertThrows(SafetensorsException.class, () -> ShardedSafetensors.open(idx));
        assertTrue(e.getMessage().contains("\"a.weight\"") && e.getMessage().contains("does not contain it"), e.getMessage());
    }

    @Test
    void indexWithDuplicateNamesOrPathsOutsideItsFolder() throws IOException {
        Path dup = index("\"a.weight\":\"shard-1.safetensors\",\"a.weight\":\"shard-1.safetensors\"");
        SafetensorsException e = assertThrows(SafetensorsException.class, () -> ShardedSafetensors.open(dup));
        assertTrue(e.getMessage().contains("Duplicate field 'a.weight'"), e.getMessage());
        Path escape = index("\"a.weight\":\"../shard-1.safetensors\"");
        e = assertThrows(SafetensorsException.class, () -> ShardedSafetensors.open(escape));
        assertTrue(e.getMessage().contains("not a plain file name"), e.getMessage());
        Files.writeString(tmp.resolve(INDEX), "{\"weights\":{}}");
        e = assertThrows(SafetensorsException.class, () -> ShardedSafetensors.open(tmp.resolve(INDEX)));
        assertTrue(e.getMessage().contains("no \"weight_map\""), e.getMessage());
    }

    @Test
    void aFolderWithNothingToLoad() throws IOException {
        Path empty = Files.createDirectory(tmp.resolve("empty"));
        LofiException e = assertThrows(SafetensorsException.class, () -> Safetensors.open(empty));
        assertTrue(e.getMessage().contains("model.safetensors") && e.getMessage().contains("index.json"), e.getMessage());
    }

    @Test
    void tensorsStayValidAfterTheCheckpointIsClosed() throws IOException {
        Tensor w;
        try (TensorSource s = Safetensors.open(index(GOOD))) {
            w = s.tensor("a.weight");
        }
        assertArrayEquals(new float[]{1, 2, 3, 4}, Tensors.toFloatArray(w));
    }
}
