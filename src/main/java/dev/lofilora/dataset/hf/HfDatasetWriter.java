package dev.lofilora.dataset.hf;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lofilora.common.AtomicFiles;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.complex.StructVector;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;

import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Writes an HF {@code datasets} {@code save_to_disk} folder that ACE-Step's trainer loads with
 * {@code load_from_disk} (javacpp_stack.md §3): Arrow IPC <em>stream</em> shards {@code data-0000i-of-0000n.arrow}
 * (record batches of at most {@value #MAX_BATCH_ROWS} rows, sharded like {@code datasets} when the data exceeds the
 * shard size), {@code dataset_info.json} and {@code state.json}.
 *
 * <p>Rows are {@code uniqueRows} repeated {@code repeat} times in the converter's order ({@code rows * repeat}: all
 * rows, then all rows again); the repetitions are generated while writing, never held in memory. Each file is
 * written atomically. Not thread-safe per folder.
 */
public final class HfDatasetWriter {
    /** {@code datasets}' {@code DEFAULT_MAX_BATCH_SIZE}. */
    public static final int MAX_BATCH_ROWS = 1000;
    /** {@code datasets}' default {@code max_shard_size} ("500MB" = 500·10⁶ bytes). */
    public static final long DEFAULT_MAX_SHARD_BYTES = 500_000_000L;

    /** What was written: the shard file names in order, the row count and the fingerprint. */
    public record Written(Path dir, List<String> dataFiles, long rows, String fingerprint) {}

    private final long maxShardBytes;

    public HfDatasetWriter() { this(DEFAULT_MAX_SHARD_BYTES); }

    public HfDatasetWriter(long maxShardBytes) {
        if (maxShardBytes <= 0) throw new IllegalArgumentException("maxShardBytes must be > 0: " + maxShardBytes);
        this.maxShardBytes = maxShardBytes;
    }

    public Written write(Path dir, List<AceStepRow> uniqueRows, int repeat) throws IOException {
        if (repeat < 1) throw new IllegalArgumentException("repeat must be >= 1: " + repeat);
        for (AceStepRow r : uniqueRows) {
            if (!r.recaption().isEmpty()) {
                // The schema (and the reference features) has recaption as a struct with no fields.
                throw new IllegalArgumentException("row " + r.keys() + ": recaption must be empty ({}), as the converter writes it");
            }
        }
        Files.createDirectories(dir);
        long total = (long) uniqueRows.size() * repeat;
        String fingerprint = fingerprint(uniqueRows, repeat);
        int shards = shardCount(uniqueRows, repeat);
        List<String> names = new ArrayList<>();
        try (BufferAllocator allocator = new RootAllocator()) {
            for (int s = 0; s < shards; s++) {
                // datasets' Dataset.shard(num_shards, index, contiguous=True): the first (total % n) shards get one more row.
                long div = total / shards;
                long mod = total % shards;
                long start = div * s + Math.min(s, mod);
                long end = start + div + (s < mod ? 1 : 0);
                String name = String.format("data-%05d-of-%05d.arrow", s, shards);
                writeShard(dir.resolve(name), allocator, uniqueRows, start, end, fingerprint);
                names.add(name);
            }
        }
        AtomicFiles.writeString(dir.resolve("dataset_info.json"), PythonJson.dumps(datasetInfo()));
        AtomicFiles.writeString(dir.resolve("state.json"), PythonJson.dumps(state(names, fingerprint)));
        return new Written(dir, List.copyOf(names), total, fingerprint);
    }

    private static void writeShard(Path file, BufferAllocator allocator, List<AceStepRow> rows, long start, long end,
                                   String fingerprint) throws IOException {
        AtomicFiles.write(file, out -> {
            try (VectorSchemaRoot root = VectorSchemaRoot.create(AceStepSchema.schema(fingerprint), allocator);
                 ArrowStreamWriter writer = new ArrowStreamWriter(root, null, Channels.newChannel(out))) {
                writer.start();
                for (long b = start; b < end; b += MAX_BATCH_ROWS) {
                    int n = (int) Math.min(MAX_BATCH_ROWS, end - b);
                    fillBatch(root, rows, b, n);
                    writer.writeBatch();
                }
                writer.end();
            }
        });
    }

    private static void fillBatch(VectorSchemaRoot root, List<AceStepRow> rows, long first, int n) {
        root.allocateNew();
        VarCharVector keys = (VarCharVector) root.getVector(AceStepSchema.KEYS);
        VarCharVector filename = (VarCharVector) root.getVector(AceStepSchema.FILENAME);
        ListVector tags = (ListVector) root.getVector(AceStepSchema.TAGS);
        VarCharVector tagItems = (VarCharVector) tags.getDataVector();
        VarCharVector speaker = (VarCharVector) root.getVector(AceStepSchema.SPEAKER_EMB_PATH);
        VarCharVector lyrics = (VarCharVector) root.getVector(AceStepSchema.NORM_LYRICS);
        StructVector recaption = (StructVector) root.getVector(AceStepSchema.RECAPTION);
        int items = 0;
        for (int i = 0; i < n; i++) {
            AceStepRow r = rows.get((int) ((first + i) % rows.size()));
            keys.setSafe(i, utf8(r.keys()));
            filename.setSafe(i, utf8(r.filename()));
            tags.startNewValue(i);
            for (String t : r.tags()) tagItems.setSafe(items++, utf8(t));
            tags.endValue(i, r.tags().size());
            speaker.setSafe(i, utf8(r.speakerEmbPath()));
            lyrics.setSafe(i, utf8(r.normLyrics()));
            recaption.setIndexDefined(i);
        }
        tagItems.setValueCount(items);
        root.setRowCount(n);
    }

    /** {@code max(ceil(nbytes / max_shard_size), 1)} as {@code datasets} does, with an Arrow-size estimate. */
    private int shardCount(List<AceStepRow> rows, int repeat) {
        long bytes = 0;
        for (AceStepRow r : rows) bytes += estimatedBytes(r);
        bytes *= repeat;
        long n = Math.max(1, (bytes + maxShardBytes - 1) / maxShardBytes);
        long total = (long) rows.size() * repeat;
        return (int) Math.max(1, Math.min(n, total));
    }

    /** Data + offsets bytes of one row (validity bits are negligible). */
    static long estimatedBytes(AceStepRow r) {
        long b = 4L * 5 + utf8(r.keys()).length + utf8(r.filename()).length + utf8(r.speakerEmbPath()).length
                + utf8(r.normLyrics()).length;
        b += 4; // list offset
        for (String t : r.tags()) b += 4 + utf8(t).length;
        return b;
    }

    private static ObjectNode datasetInfo() {
        // The reference dataset_info.json's keys, sorted like datasets' DatasetInfo.write_to_directory.
        ObjectNode info = JsonNodeFactory.instance.objectNode();
        info.put("citation", "");
        info.put("description", "");
        info.set("features", AceStepSchema.features());
        info.put("homepage", "");
        info.put("license", "");
        return info;
    }

    private static ObjectNode state(List<String> names, String fingerprint) {
        ObjectNode st = JsonNodeFactory.instance.objectNode();
        ArrayNode files = st.putArray("_data_files");
        for (String n : names) files.addObject().put("filename", n);
        st.put("_fingerprint", fingerprint);
        st.putNull("_format_columns");
        st.putObject("_format_kwargs");
        st.putNull("_format_type");
        st.put("_output_all_columns", false);
        st.putNull("_split");
        return st;
    }

    /** 16 hex digits (like datasets' xxhash fingerprints) of the content, so equal content gives an equal fingerprint. */
    static String fingerprint(List<AceStepRow> rows, int repeat) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(utf8("repeat=" + repeat + "\n"));
            for (AceStepRow r : rows) {
                for (String s : List.of(r.keys(), r.filename(), String.join("\u0000", r.tags()), r.speakerEmbPath(),
                        r.normLyrics())) {
                    md.update(utf8(s));
                    md.update((byte) 0x1e);
                }
            }
            return HexFormat.of().formatHex(md.digest(), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    private static byte[] utf8(String s) { return s.getBytes(StandardCharsets.UTF_8); }
}
