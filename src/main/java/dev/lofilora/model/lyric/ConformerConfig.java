package dev.lofilora.model.lyric;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lofilora.common.LofiException;

import java.util.Iterator;
import java.util.Map;

/**
 * Sizes and dropout rates of ACE-Step's lyric encoder (CosyVoice/WeNet {@code ConformerEncoder} as ACE-Step builds
 * it, research/acestep.md §2.6). Everything else of that class is fixed by ACE-Step and by this port: linear input
 * layer, espnet relative positions, pre-norm, no macaron FFN, no convolution module, SiLU, key bias, full-context
 * attention ({@code static_chunk_size=0}).
 *
 * @param inputSize             width of the embedded lyric tokens ({@code lyric_hidden_size}, 1024 in ACE-Step)
 * @param outputSize            model width d (1024)
 * @param attentionHeads        heads h, d divisible by h (16)
 * @param linearUnits           FFN hidden width (4096)
 * @param numBlocks             encoder layers (6)
 * @param dropoutRate           dropout after the input layer, after each sub-block and inside the FFN (0.1)
 * @param positionalDropoutRate dropout on the scaled input and on the relative position table (0.1)
 * @param attentionDropoutRate  dropout on the attention weights (0.0)
 */
public record ConformerConfig(int inputSize, int outputSize, int attentionHeads, int linearUnits, int numBlocks,
                              double dropoutRate, double positionalDropoutRate, double attentionDropoutRate) {

    public ConformerConfig {
        requirePositive("input_size", inputSize);
        requirePositive("output_size", outputSize);
        requirePositive("attention_heads", attentionHeads);
        requirePositive("linear_units", linearUnits);
        requirePositive("num_blocks", numBlocks);
        if (outputSize % attentionHeads != 0) {
            throw new LofiException("lyric encoder output_size " + outputSize + " is not divisible by attention_heads "
                    + attentionHeads, "choose an output_size that is a multiple of attention_heads");
        }
        requireRate("dropout_rate", dropoutRate);
        requireRate("positional_dropout_rate", positionalDropoutRate);
        requireRate("attention_dropout_rate", attentionDropoutRate);
    }

    /** ACE-Step's encoder: its hard-coded defaults on top of {@code inputSize}. */
    public static ConformerConfig acestep(int inputSize) {
        return new ConformerConfig(inputSize, 1024, 16, 4096, 6, 0.1, 0.1, 0.0);
    }

    /** Width of one head, d / h. */
    public int headDim() {
        return outputSize / attentionHeads;
    }

    /** The same sizes with other dropout rates (e.g. all zero for a deterministic training forward). */
    public ConformerConfig withDropout(double dropout, double positional, double attention) {
        return new ConformerConfig(inputSize, outputSize, attentionHeads, linearUnits, numBlocks, dropout, positional,
                attention);
    }

    // Keys of the reference constructor that this port does not vary, with the only value it implements. A config
    // that sets one of them to anything else describes a different network, so it is refused rather than ignored.
    private static final Map<String, String> FIXED = Map.of(
            "input_layer", "linear",
            "pos_enc_layer_type", "rel_pos_espnet",
            "selfattention_layer_type", "rel_selfattn",
            "activation_type", "swish",
            "normalize_before", "true",
            "macaron_style", "false",
            "use_cnn_module", "false",
            "static_chunk_size", "0",
            "use_dynamic_chunk", "false",
            "key_bias", "true");

    /**
     * Overrides from a {@code ConformerEncoder} kwargs object in the reference's names (the golden config's
     * {@code _lyric_encoder_kwargs}: {@code output_size, attention_heads, linear_units, num_blocks}, plus the three
     * dropout rates). {@code null} or a missing node returns this config. Unknown keys, and the fixed keys with a
     * value other than the one implemented, are refused with a {@link LofiException} naming the key.
     */
    public ConformerConfig withKwargs(JsonNode kwargs) {
        if (kwargs == null || kwargs.isMissingNode() || kwargs.isNull()) return this;
        if (!kwargs.isObject()) {
            throw new LofiException("lyric encoder kwargs must be a JSON object, got " + kwargs.getNodeType(),
                    "write _lyric_encoder_kwargs as {\"output_size\": …, \"attention_heads\": …}");
        }
        int in = inputSize, out = outputSize, heads = attentionHeads, units = linearUnits, blocks = numBlocks;
        double drop = dropoutRate, posDrop = positionalDropoutRate, attDrop = attentionDropoutRate;
        for (Iterator<Map.Entry<String, JsonNode>> it = kwargs.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = e.getKey();
            JsonNode v = e.getValue();
            switch (key) {
                case "input_size" -> in = intValue(key, v);
                case "output_size" -> out = intValue(key, v);
                case "attention_heads" -> heads = intValue(key, v);
                case "linear_units" -> units = intValue(key, v);
                case "num_blocks" -> blocks = intValue(key, v);
                case "dropout_rate" -> drop = doubleValue(key, v);
                case "positional_dropout_rate" -> posDrop = doubleValue(key, v);
                case "attention_dropout_rate" -> attDrop = doubleValue(key, v);
                default -> {
                    String want = FIXED.get(key);
                    if (want == null) {
                        throw new LofiException("unknown lyric encoder setting '" + key + "'",
                                "remove it; supported: input_size, output_size, attention_heads, linear_units, "
                                        + "num_blocks, dropout_rate, positional_dropout_rate, attention_dropout_rate");
                    }
                    if (!want.equals(v.asText())) {
                        throw new LofiException("lyric encoder setting " + key + "=" + v + " is not supported",
                                "ACE-Step's encoder (and this port) uses " + key + "=" + want);
                    }
                }
            }
        }
        return new ConformerConfig(in, out, heads, units, blocks, drop, posDrop, attDrop);
    }

    private static int intValue(String key, JsonNode v) {
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw new LofiException("lyric encoder setting " + key + " must be an integer, got " + v,
                    "write it as a whole number");
        }
        return v.intValue();
    }

    private static double doubleValue(String key, JsonNode v) {
        if (!v.isNumber()) {
            throw new LofiException("lyric encoder setting " + key + " must be a number, got " + v,
                    "write it as a number between 0 and 1");
        }
        return v.doubleValue();
    }

    private static void requirePositive(String key, int value) {
        if (value <= 0) {
            throw new LofiException("lyric encoder " + key + " must be positive, got " + value,
                    "fix " + key + " in the model config");
        }
    }

    private static void requireRate(String key, double value) {
        if (!(value >= 0 && value < 1)) {
            throw new LofiException("lyric encoder " + key + " must be in [0, 1), got " + value,
                    "fix " + key + " in the model config");
        }
    }
}
