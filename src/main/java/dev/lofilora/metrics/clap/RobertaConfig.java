package dev.lofilora.metrics.clap;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lofilora.common.LofiException;
import dev.lofilora.metrics.JsonFields;

import java.nio.file.Path;

/**
 * transformers' {@code RobertaConfig} as CLAP's text branch uses it. {@link #BASE} is roberta-base (the
 * {@code RobertaConfig()} defaults — 512 positions, 2 token types, eps 1e-12 — are <em>not</em> roberta-base's; absent
 * fields take roberta-base's values here). {@code contextLength} is CLAP's tokenizer length (77).
 */
public record RobertaConfig(int vocabSize, int hiddenSize, int numHiddenLayers, int numAttentionHeads,
                            int intermediateSize, int maxPositionEmbeddings, int typeVocabSize, double layerNormEps,
                            int padTokenId, int bosTokenId, int eosTokenId, int contextLength) {
    public static final RobertaConfig BASE = new RobertaConfig(50265, 768, 12, 12, 3072, 514, 1, 1e-5, 1, 0, 2, 77);

    public static RobertaConfig parse(JsonNode node, Path source) {
        JsonFields f = new JsonFields(node, source);
        RobertaConfig d = BASE;
        String act = f.text("hidden_act", "gelu");
        if (!act.equals("gelu")) throw new LofiException(source, "hidden_act \"" + act + "\" is not gelu", "RoBERTa uses exact GELU");
        String pos = f.text("position_embedding_type", "absolute");
        if (!pos.equals("absolute")) throw new LofiException(source, "position_embedding_type \"" + pos + "\"", "RoBERTa uses absolute");
        RobertaConfig c = new RobertaConfig(f.integer("vocab_size", d.vocabSize), f.integer("hidden_size", d.hiddenSize),
                f.integer("num_hidden_layers", d.numHiddenLayers), f.integer("num_attention_heads", d.numAttentionHeads),
                f.integer("intermediate_size", d.intermediateSize),
                f.integer("max_position_embeddings", d.maxPositionEmbeddings), f.integer("type_vocab_size", d.typeVocabSize),
                f.number("layer_norm_eps", d.layerNormEps), f.integer("pad_token_id", d.padTokenId),
                f.integer("bos_token_id", d.bosTokenId), f.integer("eos_token_id", d.eosTokenId),
                f.integer("_context_length", d.contextLength));
        if (c.hiddenSize % c.numAttentionHeads != 0) {
            throw new LofiException(source, "hidden_size " + c.hiddenSize + " is not a multiple of num_attention_heads "
                    + c.numAttentionHeads, "fix the config");
        }
        if (c.contextLength + c.padTokenId + 1 > c.maxPositionEmbeddings) {
            throw new LofiException(source, "context length " + c.contextLength + " needs more than the "
                    + c.maxPositionEmbeddings + " position embeddings", "lower _context_length");
        }
        return c;
    }
}
