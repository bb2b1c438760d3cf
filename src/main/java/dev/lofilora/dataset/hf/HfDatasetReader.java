package dev.lofilora.dataset.hf;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lofilora.common.Json;
import dev.lofilora.common.LofiException;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.complex.StructVector;
import org.apache.arrow.vector.ipc.ArrowStreamReader;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Reads an HF {@code save_to_disk} folder of ACE-Step rows back the way {@code load_from_disk} does: the shards
 * listed in {@code state.json}'s {@code _data_files}, in order, each an Arrow IPC stream. Rows are streamed one
 * record batch at a time ({@link #forEach}); {@link #readAll} collects them. Problems (a missing file, a file in the
 * Arrow <em>file</em> format, a missing column) are {@link LofiException}s that name the file.
 */
public final class HfDatasetReader {
    private HfDatasetReader() {}

    /** Every row of the dataset in {@code dir}, in order. */
    public static List<AceStepRow> readAll(Path dir) {
        List<AceStepRow> rows = new ArrayList<>();
        forEach(dir, rows::add);
        return rows;
    }

    /** The shard file names listed in {@code dir/state.json}, in order. */
    public static List<String> dataFiles(Path dir) {
        Path stateFile = dir.resolve("state.json");
        if (!Files.isRegularFile(stateFile)) {
            throw new LofiException(stateFile, "is missing (not an HF save_to_disk folder)",
                    "point at the hf_dataset folder that `lofi dataset` wrote");
        }
        if (!Files.isRegularFile(dir.resolve("dataset_info.json"))) {
            throw new LofiException(dir.resolve("dataset_info.json"), "is missing (load_from_disk needs it)",
                    "rebuild the dataset with `lofi dataset`");
        }
        JsonNode files = Json.readTree(stateFile).path("_data_files");
        if (!files.isArray() || files.isEmpty()) {
            throw new LofiException(stateFile, "has no _data_files list", "rebuild the dataset with `lofi dataset`");
        }
        List<String> names = new ArrayList<>();
        for (JsonNode f : files) names.add(f.path("filename").asText());
        return names;
    }

    /** Streams every row of the dataset in {@code dir} to {@code sink}, shard by shard, batch by batch. */
    public static void forEach(Path dir, Consumer<AceStepRow> sink) {
        try (BufferAllocator allocator = new RootAllocator()) {
            for (String name : dataFiles(dir)) readShard(dir.resolve(name), allocator, sink);
        }
    }

    private static void readShard(Path shard, BufferAllocator allocator, Consumer<AceStepRow> sink) {
        if (!Files.isRegularFile(shard)) {
            throw new LofiException(shard, "is listed in state.json but missing", "rebuild the dataset with `lofi dataset`");
        }
        if (hasFileFormatMagic(shard)) {
            // Checked up front: a stream reader would take "ARRO" for a message length and try to read ~1.3 GB.
            throw new LofiException(shard, "is in the Arrow IPC file format (\"ARROW1\" magic), not the stream format",
                    "HF load_from_disk reads only IPC streams; rebuild the dataset with `lofi dataset`");
        }
        try (InputStream in = Files.newInputStream(shard);
             ArrowStreamReader reader = new ArrowStreamReader(in, allocator)) {
            VectorSchemaRoot root = reader.getVectorSchemaRoot();
            for (String col : List.of(AceStepSchema.KEYS, AceStepSchema.FILENAME, AceStepSchema.TAGS,
                    AceStepSchema.SPEAKER_EMB_PATH, AceStepSchema.NORM_LYRICS, AceStepSchema.RECAPTION)) {
                if (root.getVector(col) == null) {
                    throw new LofiException(shard, "has no column '" + col + "'", "it is not an ACE-Step dataset; rebuild it with `lofi dataset`");
                }
            }
            while (reader.loadNextBatch()) {
                for (int i = 0; i < root.getRowCount(); i++) sink.accept(row(root, i));
            }
        } catch (LofiException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new LofiException(shard, "is not a readable Arrow IPC stream: " + e.getMessage(),
                    "HF load_from_disk reads the IPC stream format; rebuild the dataset with `lofi dataset`", e);
        }
    }

    private static boolean hasFileFormatMagic(Path shard) {
        byte[] head = new byte[6];
        try (InputStream in = Files.newInputStream(shard)) {
            if (in.readNBytes(head, 0, 6) < 6) return false;
        } catch (IOException e) {
            throw new LofiException(shard, "cannot be read: " + e.getMessage(), "check its permissions", e);
        }
        return new String(head, StandardCharsets.US_ASCII).equals("ARROW1");
    }

    private static AceStepRow row(VectorSchemaRoot root, int i) {
        ListVector tagsVector = (ListVector) root.getVector(AceStepSchema.TAGS);
        VarCharVector items = (VarCharVector) tagsVector.getDataVector();
        List<String> tags = new ArrayList<>();
        if (!tagsVector.isNull(i)) {
            int from = tagsVector.getElementStartIndex(i);
            int to = tagsVector.getElementEndIndex(i);
            for (int j = from; j < to; j++) tags.add(string(items, j));
        }
        StructVector rec = (StructVector) root.getVector(AceStepSchema.RECAPTION);
        Map<String, String> recaption = new LinkedHashMap<>();
        for (FieldVector child : rec.getChildrenFromFields()) {
            if (child instanceof VarCharVector v && !v.isNull(i)) recaption.put(child.getName(), string(v, i));
        }
        return new AceStepRow(text(root, AceStepSchema.KEYS, i), text(root, AceStepSchema.FILENAME, i), tags,
                text(root, AceStepSchema.SPEAKER_EMB_PATH, i), text(root, AceStepSchema.NORM_LYRICS, i), recaption);
    }

    private static String text(VectorSchemaRoot root, String col, int i) {
        return string((VarCharVector) root.getVector(col), i);
    }

    private static String string(VarCharVector v, int i) {
        return v.isNull(i) ? "" : new String(v.get(i), StandardCharsets.UTF_8);
    }
}
