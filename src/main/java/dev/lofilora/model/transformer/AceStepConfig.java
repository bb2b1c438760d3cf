package dev.lofilora.model.transformer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lofilora.common.Json;
import dev.lofilora.common.LofiException;
import dev.lofilora.model.lyric.ConformerConfig;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The transformer's {@code config.json}, one component per field (research/acestep.md §1.2). Both field sets parse:
 * the repository's ({@code "_class_name": "Transformer2DModel"}, diffusers 0.27.2) and the hub's
 * ({@code "ACEStepTransformer2DModel"}, 0.32.2). A field that is absent takes the default of the original
 * constructor, as diffusers' {@code from_pretrained} does. {@code inner_dim} is kept as written but ignored: the
 * width is always {@code num_attention_heads × attention_head_dim} ({@link #width()}), as in the original code.
 *
 * <p>{@code _lyric_encoder_kwargs} is an extra field of the golden configs: the lyric Conformer sizes the original
 * hard-codes (output_size 1024, 16 heads, 4096 units, 6 blocks); empty for released checkpoints.
 */
public record AceStepConfig(
        String className,
        String diffusersVersion,
        int inChannels,
        int numLayers,
        int innerDim,
        int attentionHeadDim,
        int numAttentionHeads,
        double mlpRatio,
        int outChannels,
        int maxPosition,
        double ropeTheta,
        int speakerEmbeddingDim,
        int textEmbeddingDim,
        List<Integer> sslEncoderDepths,
        List<String> sslNames,
        List<Integer> sslLatentDims,
        int lyricEncoderVocabSize,
        int lyricHiddenSize,
        List<Integer> patchSize,
        int maxHeight,
        int maxWidth,
        Map<String, Object> lyricEncoderKwargs,
        List<String> unknownFields) {

    /** Class names a transformer config may carry (the repo's copy, then the hub's). */
    public static final Set<String> CLASS_NAMES = Set.of("Transformer2DModel", "ACEStepTransformer2DModel");

    /** The PatchEmbed's hidden width is fixed by the code at {@code in_channels × 256}. */
    public static final int PATCH_HIDDEN_PER_CHANNEL = 256;
    /** The time projection has 256 sinusoidal channels (fixed in the code). */
    public static final int TIME_PROJ_CHANNELS = 256;

    public AceStepConfig {
        sslEncoderDepths = List.copyOf(sslEncoderDepths);
        sslNames = List.copyOf(sslNames);
        sslLatentDims = List.copyOf(sslLatentDims);
        patchSize = List.copyOf(patchSize);
        lyricEncoderKwargs = Collections.unmodifiableMap(new LinkedHashMap<>(lyricEncoderKwargs));
        unknownFields = List.copyOf(unknownFields);
    }

    /** Model width D = heads × head size (the code ignores {@code inner_dim}). */
    public int width() { return numAttentionHeads * attentionHeadDim; }

    /** GLUMBConv hidden size {@code int(D × mlp_ratio)} (Python's int() truncates). */
    public int ffnHidden() { return (int) (width() * mlpRatio); }

    /** Output features of the final linear: {@code patch_h × patch_w × out_channels}. */
    public int finalOut() { return patchSize.get(0) * patchSize.get(1) * outChannels; }

    /**
     * The lyric Conformer: ACE-Step's hard-coded sizes on {@code lyric_hidden_size}, overridden by
     * {@code _lyric_encoder_kwargs} when present (golden configs).
     */
    public ConformerConfig lyricEncoder() {
        ConformerConfig base = ConformerConfig.acestep(lyricHiddenSize);
        return lyricEncoderKwargs.isEmpty() ? base : base.withKwargs(Json.MAPPER.valueToTree(lyricEncoderKwargs));
    }

    /** Reads and validates {@code config.json}; errors name the file and the field. */
    public static AceStepConfig read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new LofiException(file, "does not exist", "point at a folder holding the transformer's config.json");
        }
        return parse(Json.readTree(file), file);
    }

    /** Parses a config tree; {@code source} only names the origin in error messages (may be null). */
    public static AceStepConfig parse(JsonNode root, Path source) {
        if (root == null || !root.isObject()) {
            throw new LofiException(source, "is not a JSON object", "use the transformer's config.json");
        }
        Fields f = new Fields(root, source);
        String cls = f.string("_class_name", "ACEStepTransformer2DModel");
        if (!CLASS_NAMES.contains(cls)) {
            throw new LofiException(source, "_class_name is \"" + cls + "\", not an ACE-Step transformer ("
                    + String.join(" or ", CLASS_NAMES) + ")", "point at the ace_step_transformer folder's config.json");
        }
        AceStepConfig c = new AceStepConfig(cls,
                f.string("_diffusers_version", ""),
                f.integer("in_channels", 8),
                f.integer("num_layers", 28),
                f.integer("inner_dim", 1536),
                f.integer("attention_head_dim", 64),
                f.integer("num_attention_heads", 24),
                f.number("mlp_ratio", 4.0),
                f.integer("out_channels", 8),
                f.integer("max_position", 32768),
                f.number("rope_theta", 1_000_000.0),
                f.integer("speaker_embedding_dim", 512),
                f.integer("text_embedding_dim", 768),
                f.intList("ssl_encoder_depths", List.of(9, 9)),
                f.stringList("ssl_names", List.of("mert", "m-hubert")),
                f.intList("ssl_latent_dims", List.of(1024, 768)),
                f.integer("lyric_encoder_vocab_size", 6681),
                f.integer("lyric_hidden_size", 1024),
                f.intList("patch_size", List.of(16, 1)),
                f.integer("max_height", 16),
                f.integer("max_width", 4096),
                f.objectMap("_lyric_encoder_kwargs"),
                f.unknown());
        c.validate(source);
        return c;
    }

    private void validate(Path source) {
        check(source, numLayers >= 0, "num_layers must be ≥ 0");
        check(source, numAttentionHeads > 0 && attentionHeadDim > 0, "num_attention_heads and attention_head_dim must be > 0");
        check(source, attentionHeadDim % 2 == 0, "attention_head_dim must be even (RoPE rotates pairs)");
        check(source, patchSize.size() == 2 && patchSize.get(0) > 0 && patchSize.get(1) > 0, "patch_size must be two positive integers");
        check(source, inChannels > 0 && (inChannels * PATCH_HIDDEN_PER_CHANNEL) % 32 == 0, "in_channels must be > 0");
        check(source, outChannels > 0 && ffnHidden() > 0, "out_channels and mlp_ratio must be > 0");
        check(source, sslLatentDims.size() == sslNames.size() || sslNames.isEmpty(),
                "ssl_names and ssl_latent_dims must have the same length");
        check(source, maxPosition > 0 && ropeTheta > 0, "max_position and rope_theta must be > 0");
        ConformerConfig lyric;
        try {
            lyric = lyricEncoder();
        } catch (LofiException e) {
            throw new LofiException(source, e.problem(), e.fix());
        }
        // The original feeds the encoder output into lyric_proj = Linear(lyric_hidden_size, D).
        check(source, lyric.outputSize() == lyricHiddenSize, "the lyric encoder's output_size (" + lyric.outputSize()
                + ") must equal lyric_hidden_size (" + lyricHiddenSize + ")");
    }

    private static void check(Path source, boolean ok, String problem) {
        if (!ok) throw new LofiException(source, problem, "fix the transformer config.json");
    }

    /** The config as the original writes it (field names and order of the repository's copy, plus extras). */
    public ObjectNode toJson() {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("_class_name", className);
        if (!diffusersVersion.isEmpty()) o.put("_diffusers_version", diffusersVersion);
        o.put("in_channels", inChannels);
        o.put("num_layers", numLayers);
        o.put("inner_dim", innerDim);
        o.put("attention_head_dim", attentionHeadDim);
        o.put("num_attention_heads", numAttentionHeads);
        o.put("mlp_ratio", mlpRatio);
        o.put("out_channels", outChannels);
        o.put("max_position", maxPosition);
        o.put("rope_theta", ropeTheta);
        o.put("speaker_embedding_dim", speakerEmbeddingDim);
        o.put("text_embedding_dim", textEmbeddingDim);
        sslEncoderDepths.forEach(o.putArray("ssl_encoder_depths")::add);
        sslNames.forEach(o.putArray("ssl_names")::add);
        sslLatentDims.forEach(o.putArray("ssl_latent_dims")::add);
        patchSize.forEach(o.putArray("patch_size")::add);
        o.put("max_height", maxHeight);
        o.put("max_width", maxWidth);
        o.put("lyric_encoder_vocab_size", lyricEncoderVocabSize);
        o.put("lyric_hidden_size", lyricHiddenSize);
        if (!lyricEncoderKwargs.isEmpty()) o.set("_lyric_encoder_kwargs", Json.MAPPER.valueToTree(lyricEncoderKwargs));
        return o;
    }

    /** Typed field access with errors that name the field; remembers which fields were read. */
    private static final class Fields {
        private final JsonNode root;
        private final Path source;
        private final Set<String> seen = new java.util.HashSet<>();

        Fields(JsonNode root, Path source) {
            this.root = root;
            this.source = source;
        }

        private JsonNode get(String name) {
            seen.add(name);
            JsonNode n = root.get(name);
            return n == null || n.isNull() ? null : n;
        }

        private LofiException bad(String name, String want, JsonNode got) {
            return new LofiException(source, "field \"" + name + "\" must be " + want + ", found " + got,
                    "fix the transformer config.json");
        }

        String string(String name, String dflt) {
            JsonNode n = get(name);
            if (n == null) return dflt;
            if (!n.isTextual()) throw bad(name, "a string", n);
            return n.asText();
        }

        int integer(String name, int dflt) {
            JsonNode n = get(name);
            if (n == null) return dflt;
            if (!n.isIntegralNumber() || !n.canConvertToInt()) throw bad(name, "an integer", n);
            return n.intValue();
        }

        double number(String name, double dflt) {
            JsonNode n = get(name);
            if (n == null) return dflt;
            if (!n.isNumber()) throw bad(name, "a number", n);
            return n.doubleValue();
        }

        List<Integer> intList(String name, List<Integer> dflt) {
            JsonNode n = get(name);
            if (n == null) return dflt;
            if (!n.isArray()) throw bad(name, "a list of integers", n);
            List<Integer> out = new ArrayList<>();
            for (JsonNode e : n) {
                if (!e.isIntegralNumber() || !e.canConvertToInt()) throw bad(name, "a list of integers", n);
                out.add(e.intValue());
            }
            return out;
        }

        List<String> stringList(String name, List<String> dflt) {
            JsonNode n = get(name);
            if (n == null) return dflt;
            if (!n.isArray()) throw bad(name, "a list of strings", n);
            List<String> out = new ArrayList<>();
            for (JsonNode e : n) {
                if (!e.isTextual()) throw bad(name, "a list of strings", n);
                out.add(e.asText());
            }
            return out;
        }

        Map<String, Object> objectMap(String name) {
            JsonNode n = get(name);
            if (n == null) return Map.of();
            if (!n.isObject()) throw bad(name, "an object", n);
            @SuppressWarnings("unchecked")
            Map<String, Object> m = Json.MAPPER.convertValue(n, LinkedHashMap.class);
            return m;
        }

        List<String> unknown() {
            List<String> out = new ArrayList<>();
            for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
                String k = it.next();
                if (!seen.contains(k)) out.add(k);
            }
            return out;
        }
    }
}
