package dev.lofilora.metrics.clap;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lofilora.common.Json;
import dev.lofilora.common.LofiException;
import dev.lofilora.tensor.Tensors;
import org.bytedeco.pytorch.Tensor;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * CLAP's text tokenisation ({@code hook.py}: {@code RobertaTokenizer(..., padding="max_length", truncation=True,
 * max_length=77)}) with the user's {@code tokenizer.json} run by the original HF tokenizers (Rust) through DJL's
 * binding. The tokenizer adds {@code <s> … </s>} (its RobertaProcessing post-processor); truncation and padding are
 * done here, not by the binding, so the pad id is the model's (1, where HF's padding defaults to 0): a longer text
 * keeps its first {@code L − 2} tokens and its {@code </s>}, a shorter one is padded with {@code pad_token_id} and a
 * zero attention mask. Not thread-safe (one per thread); {@link #close()} frees the native tokenizer.
 */
public final class ClapTokenizer implements AutoCloseable {
    /** What a tokenised batch is: ids and mask [B, L], int64. */
    public record Batch(Tensor inputIds, Tensor attentionMask) {}

    private final HuggingFaceTokenizer tokenizer;
    private final int contextLength;
    private final long padId;
    private final long eosId;
    private final String source;

    private ClapTokenizer(HuggingFaceTokenizer tokenizer, RobertaConfig config, String source) {
        this.tokenizer = tokenizer;
        this.contextLength = config.contextLength();
        this.padId = config.padTokenId();
        this.eosId = config.eosTokenId();
        this.source = source;
    }

    /** The tokenizer in {@code file} (a HF {@code tokenizer.json}, e.g. FacebookAI/roberta-base's). */
    public static ClapTokenizer open(Path file, RobertaConfig config) {
        if (!Files.isRegularFile(file)) {
            throw new LofiException(file, Files.exists(file) ? "is not a file" : "does not exist",
                    "give the RoBERTa tokenizer.json (FacebookAI/roberta-base or laion/larger_clap_music); it is not "
                            + "shipped with the CLAP checkpoint");
        }
        try {
            return new ClapTokenizer(HuggingFaceTokenizer.builder().optTokenizerPath(file).optAddSpecialTokens(true)
                    .optTruncation(false).optPadding(false).build(), config, file.toString());
        } catch (IOException | RuntimeException e) {
            throw new LofiException(file, "is not a tokenizer.json the HF tokenizers library reads: " + e.getMessage(),
                    "use the tokenizer.json of roberta-base", e);
        }
    }

    /**
     * A byte-level BPE tokenizer with no merges (one token per UTF-8 byte, GPT-2's byte alphabet) and RoBERTa's
     * specials {@code <s>=0, <pad>=1, </s>=2, <unk>=3}: the tiny preset's, built here so tests need no download.
     * Its vocabulary has 260 entries.
     */
    public static ClapTokenizer byteLevel(RobertaConfig config) {
        try {
            byte[] json = Json.toString(byteLevelJson()).getBytes(StandardCharsets.UTF_8);
            return new ClapTokenizer(HuggingFaceTokenizer.newInstance(new ByteArrayInputStream(json),
                    Map.of("addSpecialTokens", "true", "truncation", "false", "padding", "false")), config, "byte-level (tiny)");
        } catch (IOException e) {
            throw new IllegalStateException("the built-in byte-level tokenizer did not load", e);
        }
    }

    /** Vocabulary size of {@link #byteLevel}. */
    public static final int BYTE_LEVEL_VOCAB = 260;

    static ObjectNode byteLevelJson() {
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        ArrayNode added = root.putArray("added_tokens");
        String[] specials = {"<s>", "<pad>", "</s>", "<unk>"};
        for (int i = 0; i < specials.length; i++) {
            added.addObject().put("id", i).put("content", specials[i]).put("single_word", false).put("lstrip", false)
                    .put("rstrip", false).put("normalized", false).put("special", true);
        }
        root.putNull("normalizer");
        root.putObject("pre_tokenizer").put("type", "ByteLevel").put("add_prefix_space", false)
                .put("trim_offsets", true).put("use_regex", true);
        ObjectNode post = root.putObject("post_processor").put("type", "RobertaProcessing");
        post.putArray("sep").add("</s>").add(2);
        post.putArray("cls").add("<s>").add(0);
        post.put("trim_offsets", true).put("add_prefix_space", false);
        root.putObject("decoder").put("type", "ByteLevel").put("add_prefix_space", true).put("trim_offsets", true)
                .put("use_regex", true);
        ObjectNode model = root.putObject("model").put("type", "BPE");
        model.putNull("dropout");
        model.put("unk_token", "<unk>").put("continuing_subword_prefix", "").put("end_of_word_suffix", "")
                .put("fuse_unk", false).put("byte_fallback", false);
        ObjectNode vocab = model.putObject("vocab");
        for (int i = 0; i < specials.length; i++) vocab.put(specials[i], i);
        int[] alphabet = byteAlphabet();
        for (int b = 0; b < 256; b++) vocab.put(new String(Character.toChars(alphabet[b])), specials.length + b);
        model.putArray("merges");
        return root;
    }

    /** GPT-2's {@code bytes_to_unicode}: printable bytes stand for themselves, the rest map to 256 + n. */
    static int[] byteAlphabet() {
        int[] map = new int[256];
        int n = 0;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            map[b] = printable ? b : 256 + n++;
        }
        return map;
    }

    /** Ids of one text with {@code <s>}/{@code </s>}, truncated to the context length (not padded). */
    public long[] ids(String text) {
        Encoding e = tokenizer.encode(text, true, false);
        long[] ids = e.getIds();
        if (ids.length <= contextLength) return ids;
        long[] cut = java.util.Arrays.copyOf(ids, contextLength);
        cut[contextLength - 1] = eosId; // keep </s>, as HF truncation before the post-processor does
        return cut;
    }

    /** A padded batch [B, context length]. */
    public Batch batch(List<String> texts) {
        int b = texts.size();
        long[] ids = new long[b * contextLength];
        long[] mask = new long[b * contextLength];
        java.util.Arrays.fill(ids, padId);
        for (int i = 0; i < b; i++) {
            long[] one = ids(texts.get(i));
            System.arraycopy(one, 0, ids, i * contextLength, one.length);
            java.util.Arrays.fill(mask, i * contextLength, i * contextLength + one.length, 1L);
        }
        return new Batch(Tensors.fromLongArray(ids, b, contextLength), Tensors.fromLongArray(mask, b, contextLength));
    }

    /** Where the vocabulary came from, for reports. */
    public String source() { return source; }

    @Override
    public void close() { tokenizer.close(); }
}
