package dev.lofilora.dataset.hf;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lofilora.SharedFiles;
import dev.lofilora.common.Json;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class HfDatasetWriterTest {
    @TempDir Path dir;

    private static List<AceStepRow> rows(int n) {
        List<AceStepRow> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            rows.add(AceStepRow.fromFiles("track_" + i, "/data/final/track_" + i + ".wav",
                    "lofi hip hop, rhodes, " + (70 + i) + " bpm\n", "[instrumental]\n"));
        }
        return rows;
    }

    @Test
    void writesAnArrowIpcStreamNotTheFileFormat() throws Exception {
        new HfDatasetWriter().write(dir, rows(3), 1);
        Path shard = dir.resolve("data-00000-of-00001.arrow");
        byte[] head = Arrays.copyOf(Files.readAllBytes(shard), 8);
        assertNotEquals("ARROW1", new String(head, 0, 6, StandardCharsets.US_ASCII));
        // An IPC stream opens with the continuation marker 0xFFFFFFFF before the schema message.
        assertArrayEquals(new byte[] {-1, -1, -1, -1}, Arrays.copyOf(head, 4));
        try (RootAllocator alloc = new RootAllocator(); InputStream in = Files.newInputStream(shard);
             ArrowStreamReader reader = new ArrowStreamReader(in, alloc)) {
            VectorSchemaRoot root = reader.getVectorSchemaRoot();
            List<String> names = root.getSchema().getFields().stream().map(Field::getName).toList();
            assertEquals(List.of("keys", "filename", "tags", "speaker_emb_path", "norm_lyrics", "recaption"), names);
            Field tags = root.getSchema().findField("tags");
            assertEquals("item", tags.getChildren().get(0).getName());
            assertInstanceOf(ArrowType.Utf8.class, tags.getChildren().get(0).getType());
            assertTrue(root.getSchema().findField("recaption").getChildren().isEmpty());
            assertTrue(reader.loadNextBatch());
            assertEquals(3, root.getRowCount());
            ListVector tv = (ListVector) root.getVector("tags");
            assertEquals(List.of("lofi hip hop", "rhodes", "71 bpm"),
                    tv.getObject(1).stream().map(Object::toString).toList());
            assertFalse(reader.loadNextBatch());
        }
    }

    @Test
    void schemaMetadataCarriesTheFeaturesAndTheStateFingerprint() throws Exception {
        var written = new HfDatasetWriter().write(dir, rows(2), 1);
        try (RootAllocator alloc = new RootAllocator();
             InputStream in = Files.newInputStream(dir.resolve(written.dataFiles().get(0)));
             ArrowStreamReader reader = new ArrowStreamReader(in, alloc)) {
            String hf = reader.getVectorSchemaRoot().getSchema().getCustomMetadata().get("huggingface");
            JsonNode meta = Json.MAPPER.readTree(hf);
            assertEquals(AceStepSchema.features(), meta.path("info").path("features"));
            assertEquals(written.fingerprint(), meta.path("fingerprint").asText());
        }
        JsonNode state = Json.readTree(dir.resolve("state.json"));
        assertEquals(written.fingerprint(), state.path("_fingerprint").asText());
        assertTrue(written.fingerprint().matches("[0-9a-f]{16}"), written.fingerprint());
    }

    @Test
    void datasetInfoFeaturesEqualTheReferenceConvertersFeatures() throws Exception {
        Path ref = SharedFiles.require("reference/acestep/zh_lora_dataset/dataset_info.json");
        Path refState = ref.resolveSibling("state.json");
        new HfDatasetWriter().write(dir, rows(1), 1);
        JsonNode info = Json.readTree(dir.resolve("dataset_info.json"));
        JsonNode refInfo = Json.readTree(ref);
        assertEquals(refInfo.get("features"), info.get("features"));
        assertEquals(fieldNames(refInfo), fieldNames(info));
        JsonNode state = Json.readTree(dir.resolve("state.json"));
        JsonNode refSt = Json.readTree(refState);
        assertEquals(fieldNames(refSt), fieldNames(state));
        for (String k : List.of("_data_files", "_format_columns", "_format_kwargs", "_format_type",
                "_output_all_columns", "_split")) {
            assertEquals(refSt.get(k), state.get(k), k);
        }
        // Python json.dump(indent=2) layout: the files are byte-identical to the reference (but for the fingerprint).
        assertEquals(Files.readString(ref), Files.readString(dir.resolve("dataset_info.json")));
        assertEquals(Files.readString(refState).replace(refSt.get("_fingerprint").asText(), state.get("_fingerprint").asText()),
                Files.readString(dir.resolve("state.json")));
    }

    @Test
    void repeatsRowsInTheConvertersOrderAndBatchesAtMostAThousandRows() throws Exception {
        List<AceStepRow> unique = rows(5);
        var written = new HfDatasetWriter().write(dir, unique, 500); // 2500 rows
        assertEquals(2500, written.rows());
        List<Integer> batchSizes = new ArrayList<>();
        try (RootAllocator alloc = new RootAllocator();
             InputStream in = Files.newInputStream(dir.resolve("data-00000-of-00001.arrow"));
             ArrowStreamReader reader = new ArrowStreamReader(in, alloc)) {
            while (reader.loadNextBatch()) batchSizes.add(reader.getVectorSchemaRoot().getRowCount());
        }
        assertEquals(List.of(1000, 1000, 500), batchSizes);
        List<AceStepRow> back = HfDatasetReader.readAll(dir);
        assertEquals(2500, back.size());
        // converter: all_examples * repeat_count → track_0..track_4, track_0..track_4, ...
        for (int i = 0; i < back.size(); i++) assertEquals(unique.get(i % 5), back.get(i), "row " + i);
    }

    @Test
    void shardsContiguouslyWhenTheDataExceedsTheShardSize() throws Exception {
        List<AceStepRow> unique = rows(10);
        long perRow = HfDatasetWriter.estimatedBytes(unique.get(0));
        // about 3.5 rows per shard → ceil(10 / 3.5) = 3 shards of 4, 3, 3 rows
        var written = new HfDatasetWriter(perRow * 7 / 2).write(dir, unique, 1);
        assertEquals(List.of("data-00000-of-00003.arrow", "data-00001-of-00003.arrow", "data-00002-of-00003.arrow"),
                written.dataFiles());
        assertEquals(written.dataFiles(), HfDatasetReader.dataFiles(dir));
        assertEquals(unique, HfDatasetReader.readAll(dir));
        try (RootAllocator alloc = new RootAllocator();
             InputStream in = Files.newInputStream(dir.resolve("data-00000-of-00003.arrow"));
             ArrowStreamReader reader = new ArrowStreamReader(in, alloc)) {
            assertTrue(reader.loadNextBatch());
            assertEquals(4, reader.getVectorSchemaRoot().getRowCount());
        }
    }

    @Test
    void theReaderRejectsTheArrowFileFormatNamingTheShard() throws Exception {
        new HfDatasetWriter().write(dir, rows(2), 1);
        Path shard = dir.resolve("data-00000-of-00001.arrow");
        // rewrite the shard in the IPC *file* format ("ARROW1" magic), which load_from_disk cannot read either
        try (RootAllocator alloc = new RootAllocator();
             VectorSchemaRoot root = VectorSchemaRoot.create(AceStepSchema.schema("x"), alloc);
             var ch = java.nio.channels.FileChannel.open(shard, java.nio.file.StandardOpenOption.WRITE,
                     java.nio.file.StandardOpenOption.TRUNCATE_EXISTING);
             var w = new org.apache.arrow.vector.ipc.ArrowFileWriter(root, null, ch)) {
            root.setRowCount(0);
            w.start();
            w.writeBatch();
            w.end();
        }
        assertEquals("ARROW1", new String(Files.readAllBytes(shard), 0, 6, StandardCharsets.US_ASCII));
        var e = assertThrows(dev.lofilora.common.LofiException.class, () -> HfDatasetReader.readAll(dir));
        assertTrue(e.getMessage().contains(shard + ": is in the Arrow IPC file format"), e.getMessage());
    }

    @Test
    void rowsFollowThePythonConvertersStripAndSplit() {
        AceStepRow r = AceStepRow.fromFiles("k", "/a/k.wav", "  a, b,c, , d\n", "\n[verse]\nla la\n\n");
        assertEquals(List.of("a", "b,c", "", "d"), r.tags()); // split(", ") keeps empty fields and "b,c"
        assertEquals("[verse]\nla la", r.normLyrics());
        assertEquals("", r.speakerEmbPath());
        assertEquals(Map.of(), r.recaption());
        assertEquals(List.of(""), AceStepRow.fromFiles("k", "f", "\n", "").tags()); // "".split(", ") == [""]
    }

    private static List<String> fieldNames(JsonNode n) {
        List<String> names = new ArrayList<>();
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) names.add(it.next());
        return names;
    }
}
