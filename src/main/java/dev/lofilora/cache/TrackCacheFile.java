package dev.lofilora.cache;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.lofilora.common.Json;
import dev.lofilora.common.LofiException;
import dev.lofilora.tensor.DType;
import dev.lofilora.tensor.SafetensorsException;
import dev.lofilora.tensor.SafetensorsFile;
import dev.lofilora.tensor.SafetensorsWriter;
import dev.lofilora.tensor.TensorInfo;
import org.bytedeco.pytorch.Tensor;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads and writes the per-track cache file of DESIGN §5 ({@code <cache-dir>/<key>.safetensors}): the tensors
 * {@code latent}, {@code text_states}, {@code text_mask}, {@code lyric_ids}, {@code lyric_mask} and optional
 * {@code ssl.<name>}, and the metadata of {@link CacheMetadata} under {@code lofi.*} keys of {@code __metadata__}.
 *
 * <p>Writes are atomic (temporary file renamed into place). {@link #read} validates names, dtypes, ranks, the
 * format version and the dimensions a model expects, and throws a {@link LofiException} naming the file and the
 * fix ("run lofi preprocess again with this model"). Tensors are copied out of the mapping, so a cache file may be
 * rewritten while a reader holds entries of it.
 */
public final class TrackCacheFile {
    /** Bumped whenever the layout changes; a reader refuses other versions. */
    public static final int FORMAT_VERSION = 1;
    public static final String SUFFIX = ".safetensors";

    static final String LATENT = "latent";
    static final String TEXT_STATES = "text_states";
    static final String TEXT_MASK = "text_mask";
    static final String LYRIC_IDS = "lyric_ids";
    static final String LYRIC_MASK = "lyric_mask";
    static final String SSL_PREFIX = "ssl.";

    private static final String META_FORMAT = "lofi.format_version";
    private static final String META_BODY = "lofi.cache";

    private TrackCacheFile() {}

    /** The cache file of {@code key} in {@code cacheDir}. */
    public static Path pathOf(Path cacheDir, String key) {
        return cacheDir.resolve(key + SUFFIX);
    }

    /** Writes {@code entry} to {@link #pathOf}({@code cacheDir}, key) atomically and returns the path. */
    public static Path write(Path cacheDir, TrackCache entry) {
        checkShapes(null, entry);
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put(LATENT, entry.latent());
        tensors.put(TEXT_STATES, entry.textStates());
        tensors.put(TEXT_MASK, entry.textMask());
        tensors.put(LYRIC_IDS, entry.lyricIds());
        tensors.put(LYRIC_MASK, entry.lyricMask());
        entry.ssl().forEach((name, t) -> tensors.put(SSL_PREFIX + name, t));
        Map<String, String> meta = new TreeMap<>();
        meta.put(META_FORMAT, Integer.toString(entry.metadata().formatVersion()));
        meta.put(META_BODY, Json.toString(entry.metadata()));
        Path target = pathOf(cacheDir, entry.key());
        SafetensorsWriter.write(target, tensors, meta);
        return target;
    }

    /** The metadata alone (header only; no tensor is read), e.g. to decide whether a track needs re-encoding. */
    public static CacheMetadata readMetadata(Path file) {
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            return metadata(file, f.metadata());
        } catch (SafetensorsException e) {
            throw corrupt(file, e.getMessage(), e);
        }
    }

    /**
     * Reads and validates one cache file. {@code expect} may be null (no model-dimension check).
     *
     * @throws LofiException for a missing, corrupt, old-format or mismatched file
     */
    public static TrackCache read(Path file, CacheExpectations expect) {
        String name = file.getFileName().toString();
        if (!name.endsWith(SUFFIX)) throw new LofiException(file, "is not a cache file (expected *" + SUFFIX + ")",
                "point --data at the folder lofi preprocess wrote");
        String key = name.substring(0, name.length() - SUFFIX.length());
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            CacheMetadata meta = metadata(file, f.metadata());
            for (String required : new String[]{LATENT, TEXT_STATES, TEXT_MASK, LYRIC_IDS, LYRIC_MASK}) {
                if (!f.contains(required)) throw corrupt(file, "has no tensor \"" + required + "\"", null);
            }
            checkInfo(file, f.info(LATENT), DType.F32, 3);
            checkInfo(file, f.info(TEXT_STATES), DType.F32, 3);
            checkInfo(file, f.info(TEXT_MASK), DType.I64, 2);
            checkInfo(file, f.info(LYRIC_IDS), DType.I64, 1);
            checkInfo(file, f.info(LYRIC_MASK), DType.I64, 1);
            Map<String, Tensor> ssl = new TreeMap<>();
            for (String n : f.names()) {
                if (n.startsWith(SSL_PREFIX)) {
                    checkInfo(file, f.info(n), DType.F32, 2);
                    ssl.put(n.substring(SSL_PREFIX.length()), copy(f, n));
                } else if (!n.equals(LATENT) && !n.equals(TEXT_STATES) && !n.equals(TEXT_MASK)
                        && !n.equals(LYRIC_IDS) && !n.equals(LYRIC_MASK)) {
                    throw corrupt(file, "holds an unknown tensor \"" + n + "\"", null);
                }
            }
            TrackCache entry = new TrackCache(key, copy(f, LATENT), copy(f, TEXT_STATES), copy(f, TEXT_MASK),
                    copy(f, LYRIC_IDS), copy(f, LYRIC_MASK), ssl, meta);
            try {
                checkShapes(file, entry);
                if (expect != null) checkExpectations(file, entry, expect);
            } catch (RuntimeException e) {
                entry.close();
                throw e;
            }
            return entry;
        } catch (SafetensorsException e) {
            throw corrupt(file, e.getMessage(), e);
        }
    }

    private static Tensor copy(SafetensorsFile f, String name) {
        try (Tensor view = f.tensor(name)) {
            return view.clone();
        }
    }

    private static CacheMetadata metadata(Path file, Map<String, String> raw) {
        String version = raw.get(META_FORMAT);
        if (version == null || raw.get(META_BODY) == null) {
            throw corrupt(file, "has no lofi cache metadata (" + META_FORMAT + ", " + META_BODY + ")", null);
        }
        if (!version.equals(Integer.toString(FORMAT_VERSION))) {
            throw new LofiException(file, "is a cache of format version " + version + "; this build reads version "
                    + FORMAT_VERSION, "run lofi preprocess again to rebuild the cache");
        }
        try {
            JsonNode tree = Json.MAPPER.readTree(raw.get(META_BODY));
            return Json.MAPPER.treeToValue(tree, CacheMetadata.class);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw corrupt(file, "has unreadable cache metadata: " + e.getMessage(), e);
        }
    }

    private static void checkInfo(Path file, TensorInfo info, DType dtype, int rank) {
        if (info.dtype() != dtype || info.shape().length != rank) {
            throw corrupt(file, "tensor \"" + info.name() + "\" is " + info.dtype() + " " + Arrays.toString(info.shape())
                    + ", expected " + dtype + " of rank " + rank, null);
        }
    }

    private static void checkShapes(Path file, TrackCache e) {
        long v = e.textStates().size(0);
        long l = e.textStates().size(1);
        String problem = null;
        if (e.latent().dim() != 3) problem = "latent must be [C, H, T]";
        else if (e.textStates().dim() != 3) problem = "text_states must be [V, L, D]";
        else if (v < 1) problem = "text_states holds no prompt variant";
        else if (e.textMask().dim() != 2 || e.textMask().size(0) != v || e.textMask().size(1) != l)
            problem = "text_mask must be [" + v + ", " + l + "] like text_states";
        else if (e.lyricIds().dim() != 1 || e.lyricMask().dim() != 1 || e.lyricIds().size(0) != e.lyricMask().size(0))
            problem = "lyric_ids and lyric_mask must be [N] of the same N";
        else if (e.lyricIds().size(0) < 1) problem = "lyric_ids is empty (ACE-Step encodes no lyrics as [0])";
        else if (e.metadata().prompts().size() != v)
            problem = "metadata lists " + e.metadata().prompts().size() + " prompts for " + v + " text_states variants";
        if (problem != null) {
            if (file == null) throw new IllegalArgumentException("cache entry " + e.key() + ": " + problem);
            throw corrupt(file, problem, null);
        }
    }

    private static void checkExpectations(Path file, TrackCache e, CacheExpectations x) {
        StringBuilder bad = new StringBuilder();
        if (e.latent().size(0) != x.latentChannels() || e.latent().size(1) != x.latentHeight()) {
            bad.append("latent is [").append(e.latent().size(0)).append(", ").append(e.latent().size(1))
                    .append(", T], the model takes [").append(x.latentChannels()).append(", ").append(x.latentHeight())
                    .append(", T]; ");
        }
        if (e.textStates().size(2) != x.textDim()) {
            bad.append("text states have width ").append(e.textStates().size(2)).append(", the model's text_embedding_dim is ")
                    .append(x.textDim()).append("; ");
        }
        try (Tensor max = e.lyricIds().max()) {
            long m = max.item_long();
            if (m >= x.lyricVocabSize()) {
                bad.append("lyric id ").append(m).append(" is outside the model's vocabulary of ")
                        .append(x.lyricVocabSize()).append("; ");
            }
        }
        if (bad.length() > 0) {
            bad.setLength(bad.length() - 2);
            throw new LofiException(file, "was made for another model: " + bad,
                    "run lofi preprocess again with the model you train, into an empty cache folder");
        }
    }

    private static LofiException corrupt(Path file, String problem, Throwable cause) {
        return new LofiException(file, "is not a valid track cache: " + problem,
                "delete it and run lofi preprocess again (it re-encodes only missing tracks)", cause);
    }
}
