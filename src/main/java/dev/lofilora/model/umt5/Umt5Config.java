package dev.lofilora.model.umt5;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lofilora.common.Json;
import dev.lofilora.common.JsonFields;
import dev.lofilora.common.LofiException;

import java.nio.file.Path;

/**
 * transformers {@code UMT5Config} as far as the encoder uses it ({@code umt5-base/config.json}). {@code feed_forward_proj}
 * "gated-gelu" means a gated FFN with {@code gelu_new} (transformers' own remapping); "relu"/"gelu" an ungated one.
 */
public record Umt5Config(int vocabSize, int dModel, int dKv, int dFf, int numLayers, int numHeads,
                         int relativeAttentionNumBuckets, int relativeAttentionMaxDistance, double layerNormEpsilon,
                         String denseActFn, boolean gated, int padTokenId, int eosTokenId) {

    public static Umt5Config read(Path file) {
        return parse(Json.readTree(file), file);
    }

    public static Umt5Config parse(JsonNode node, Path file) {
        JsonFields f = new JsonFields(node, file);
        String proj = f.text("feed_forward_proj", "gated-gelu");
        String[] parts = proj.split("-");
        boolean gated = parts[0].equals("gated");
        String act = parts[parts.length - 1];
        if (parts.length > 2 || (parts.length == 2 && !gated) || !(act.equals("gelu") || act.equals("relu"))) {
            throw new LofiException(file, "feed_forward_proj \"" + proj + "\" is not supported",
                    "use gated-gelu (umt5-base), relu or gelu");
        }
        if (proj.equals("gated-gelu")) act = "gelu_new"; // transformers maps gated-gelu to gelu_new
        Umt5Config c = new Umt5Config(f.integer("vocab_size", 250112), f.integer("d_model", 512),
                f.integer("d_kv", 64), f.integer("d_ff", 1024), f.integer("num_layers", 8), f.integer("num_heads", 6),
                f.integer("relative_attention_num_buckets", 32), f.integer("relative_attention_max_distance", 128),
                f.number("layer_norm_epsilon", 1e-6), act, gated, f.integer("pad_token_id", 0),
                f.integer("eos_token_id", 1));
        if (c.vocabSize < 2 || c.dModel < 1 || c.dKv < 1 || c.dFf < 1 || c.numLayers < 1 || c.numHeads < 1
                || c.relativeAttentionNumBuckets < 4 || c.relativeAttentionMaxDistance < 2) {
            throw new LofiException(file, "has a non-positive size", "use the umt5-base config.json of ACE-Step");
        }
        return c;
    }
}
