package dev.lofilora.tensor;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.bytedeco.pytorch.Tensor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A sharded checkpoint: a {@code *.safetensors.index.json} whose {@code weight_map} maps each tensor name to the shard
 * file holding it (a file name in the index's folder), as Hugging Face writes them. On open the index is validated
 * (names unique, shard names plain file names, every shard present) and every shard is opened
 * ({@link SafetensorsFile#open}, so each shard's header is validated too) and checked to contain the names mapped to it.
 * Tensors in a shard that the index does not name are not exposed. {@link #metadata()} is the index's
 * {@code metadata} object with each value as text (e.g. {@code total_size}).
 */
public final class ShardedSafetensors implements TensorSource {
    private static final ObjectMapper STRICT = new ObjectMapper(JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build());

    private final Path index;
    private final Map<String, SafetensorsFile> byName;
    private final List<SafetensorsFile> shards;
    private final List<String> names;
    private final Map<String, String> metadata;

    private ShardedSafetensors(Path index, Map<String, SafetensorsFile> byName, List<SafetensorsFile> shards,
                               Map<String, String> metadata) {
        this.index = index;
        this.byName = byName;
        this.shards = shards;
        this.names = List.copyOf(byName.keySet());
        this.metadata = metadata;
    }

    /** Opens the index and all its shards; throws {@link SafetensorsException} naming the file at fault. */
    public static ShardedSafetensors open(Path indexFile) {
        JsonNode root = readIndex(indexFile);
        JsonNode weightMap = root.get("weight_map");
        if (weightMap == null || !weightMap.isObject()) {
            throw new SafetensorsException(indexFile, "has no \"weight_map\" object (tensor name -> shard file)",
                    "a sharded index is a JSON object with \"weight_map\"; re-download it");
        }
        Path dir = indexFile.toAbsolutePath().getParent();
        Map<String, String> shardOf = new LinkedHashMap<>();
        Map<String, List<String>> namesOfShard = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> it = weightMap.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isTextual()) {
                throw new SafetensorsException(indexFile, "maps tensor \"" + e.getKey()
                        + "\" to a value that is not a shard file name: " + e.getValue(), "re-download the index");
            }
            String shard = e.getValue().textValue();
            Path shardName = Path.of(shard);
            if (shard.isEmpty() || shardName.isAbsolute() || shardName.getNameCount() != 1 || shard.equals("..")
                    || shard.equals(".")) {
                throw new SafetensorsException(indexFile, "maps tensor \"" + e.getKey() + "\" to \"" + shard
                        + "\", which is not a plain file name in the index's folder",
                        "shards must sit beside the index; re-download the checkpoint");
            }
            shardOf.put(e.getKey(), shard);
            namesOfShard.computeIfAbsent(shard, k -> new ArrayList<>()).add(e.getKey());
        }
        if (shardOf.isEmpty()) {
            throw new SafetensorsException(indexFile, "has an empty weight_map", "re-download the checkpoint");
        }
        for (String shard : namesOfShard.keySet()) {
            Path p = dir.resolve(shard);
            if (!Files.isRegularFile(p)) {
                throw new SafetensorsException(indexFile, "names shard \"" + shard + "\" (for "
                        + namesOfShard.get(shard).size() + " tensors, e.g. \"" + namesOfShard.get(shard).get(0)
                        + "\"), but " + p + " is missing", "download every shard of the checkpoint into " + dir);
            }
        }
        Map<String, SafetensorsFile> openShards = new LinkedHashMap<>();
        try {
            for (Map.Entry<String, List<String>> e : namesOfShard.entrySet()) {
                SafetensorsFile f = SafetensorsFile.open(dir.resolve(e.getKey()));
                openShards.put(e.getKey(), f);
                for (String name : e.getValue()) {
                    if (!f.contains(name)) {
                        throw new SafetensorsException(indexFile, "maps tensor \"" + name + "\" to shard \""
                                + e.getKey() + "\", which does not contain it",
                                "the index and the shards do not match; re-download the checkpoint");
                    }
                }
            }
        } catch (RuntimeException ex) {
            openShards.values().forEach(SafetensorsFile::close);
            throw ex;
        }
        Map<String, SafetensorsFile> byName = new LinkedHashMap<>();
        shardOf.forEach((name, shard) -> byName.put(name, openShards.get(shard)));
        Map<String, String> metadata = new LinkedHashMap<>();
        JsonNode meta = root.get("metadata");
        if (meta != null && meta.isObject()) {
            meta.fields().forEachRemaining(m -> metadata.put(m.getKey(),
                    m.getValue().isValueNode() ? m.getValue().asText() : m.getValue().toString()));
        }
        return new ShardedSafetensors(indexFile, byName, List.copyOf(openShards.values()),
                Collections.unmodifiableMap(metadata));
    }

    private static JsonNode readIndex(Path indexFile) {
        if (!Files.isRegularFile(indexFile)) {
            throw new SafetensorsException(indexFile, "does not exist", "give the path of a *.safetensors.index.json");
        }
        try {
            JsonNode root = STRICT.readTree(indexFile.toFile());
            if (root == null || !root.isObject()) {
                throw new SafetensorsException(indexFile, "is not a JSON object", "re-download the index");
            }
            return root;
        } catch (JsonProcessingException e) {
            throw new SafetensorsException(indexFile, "is not valid JSON: " + e.getOriginalMessage(),
                    "re-download the index");
        } catch (IOException e) {
            throw new SafetensorsException(indexFile, "cannot be read: " + e.getMessage(), "check permissions", e);
        }
    }

    /** The index file. */
    public Path path() { return index; }

    /** The opened shards, in the order the index first names them. */
    public List<SafetensorsFile> shards() { return shards; }

    @Override
    public List<String> names() { return names; }

    @Override
    public boolean contains(String name) { return byName.containsKey(name); }

    @Override
    public TensorInfo info(String name) { return shardOf(name).info(name); }

    @Override
    public Tensor tensor(String name) { return shardOf(name).tensor(name); }

    @Override
    public Map<String, String> metadata() { return metadata; }

    private SafetensorsFile shardOf(String name) {
        SafetensorsFile f = byName.get(name);
        if (f == null) {
            throw new SafetensorsException(index, "has no tensor named \"" + name + "\" in its weight_map",
                    "check the tensor name against the checkpoint");
        }
        return f;
    }

    @Override
    public void close() {
        shards.forEach(SafetensorsFile::close);
    }
}
