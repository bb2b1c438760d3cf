package dev.lofilora.model.umt5;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.lofilora.model.io.ComponentFolder;
import dev.lofilora.model.tokenizer.HfTokenizers;
import dev.lofilora.tensor.Tensors;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * ACE-Step's text conditioning: the UMT5 tokenizer ({@code max_length=256, padding=True, truncation=True}: up to
 * 255 pieces + {@code </s>}, right-padded with {@code <pad>} to the longest prompt) and {@code UMT5EncoderModel}'s
 * {@code last_hidden_state} in float32 (research/acestep.md §1.3, §3.6). Owns its model and tokenizer.
 *
 * <pre>{@code
 * try (Umt5TextEncoder enc = Umt5TextEncoder.load(Path.of("ACE-Step-v1-3.5B/umt5-base"), device)) {
 *     Umt5TextEncoder.Encoded e = enc.encode(List.of("lofi hip hop, chill", "jazzy piano"));  // [2, L, 768]
 * }
 * }</pre>
 */
public final class Umt5TextEncoder implements AutoCloseable {
    /** The tokenizer's {@code max_length} in ACE-Step. */
    public static final int MAX_LENGTH = 256;

    private final UMT5EncoderModel model;
    private final HuggingFaceTokenizer tokenizer;
    private final Device device;

    /** Takes ownership of both. */
    public Umt5TextEncoder(UMT5EncoderModel model, HuggingFaceTokenizer tokenizer, Device device) {
        this.model = model;
        this.tokenizer = tokenizer;
        this.device = device;
    }

    /** {@code umt5-base/}: config.json, model.safetensors, tokenizer.json; float32 on {@code device}. */
    public static Umt5TextEncoder load(Path umt5Dir, Device device) {
        ComponentFolder folder = new ComponentFolder(umt5Dir, "the text encoder folder umt5-base");
        HuggingFaceTokenizer t = HfTokenizers.load(umt5Dir.resolve("tokenizer.json"), options(),
                "the UMT5 tokenizer", "copy tokenizer.json of umt5-base from the ACE-Step checkpoint");
        try {
            return new Umt5TextEncoder(UMT5EncoderModel.load(folder, device), t, device);
        } catch (RuntimeException e) {
            t.close();
            throw e;
        }
    }

    /** DJL options for ACE-Step's call: special tokens on, truncation to 256, no padding (done here). */
    public static Map<String, String> options() {
        return Map.of("addSpecialTokens", "true", "truncation", "true", "maxLength", Integer.toString(MAX_LENGTH),
                "padding", "false");
    }

    public UMT5EncoderModel model() { return model; }

    public int dModel() { return model.config.dModel(); }

    /** Token ids [V, L] and mask [V, L] (CPU int64), right-padded to the longest prompt. */
    public record Tokens(Tensor ids, Tensor mask) implements AutoCloseable {
        @Override public void close() { ids.close(); mask.close(); }
    }

    /** Hidden states [V, L, D] float32 and mask [V, L] int64, both on the CPU. */
    public record Encoded(Tensor hiddenStates, Tensor mask) implements AutoCloseable {
        @Override public void close() { hiddenStates.close(); mask.close(); }
    }

    public Tokens tokenize(List<String> prompts) {
        return tokenize(tokenizer, model.config.padTokenId(), prompts);
    }

    /**
     * {@link #tokenize(List)} with any UMT5 tokenizer (loaded with {@link #options()}) and pad id: ids and mask
     * [V, L], right-padded to the longest prompt.
     */
    public static Tokens tokenize(HuggingFaceTokenizer tokenizer, int padTokenId, List<String> prompts) {
        if (prompts.isEmpty()) throw new IllegalArgumentException("no prompts");
        long[][] ids = new long[prompts.size()][];
        int longest = 0;
        for (int i = 0; i < ids.length; i++) {
            ids[i] = tokenizer.encode(prompts.get(i), true, false).getIds();
            longest = Math.max(longest, ids[i].length);
        }
        long[] flatIds = new long[ids.length * longest];
        long[] flatMask = new long[ids.length * longest];
        java.util.Arrays.fill(flatIds, padTokenId);
        for (int i = 0; i < ids.length; i++) {
            System.arraycopy(ids[i], 0, flatIds, i * longest, ids[i].length);
            java.util.Arrays.fill(flatMask, i * longest, i * longest + ids[i].length, 1L);
        }
        return new Tokens(Tensors.fromLongArray(flatIds, ids.length, longest),
                Tensors.fromLongArray(flatMask, ids.length, longest));
    }

    /** {@code last_hidden_state} of every prompt (padded positions included, as the original returns them). */
    public Encoded encode(List<String> prompts) {
        try (NoGradGuard g = new NoGradGuard(); Tokens t = tokenize(prompts)) {
            Tensor h = model.forward(t.ids().to(device, ScalarType.Long), t.mask().to(device, ScalarType.Long));
            return new Encoded(h.to(ScalarType.Float).cpu(), t.mask().clone());
        }
    }

    @Override
    public void close() {
        model.close();
        tokenizer.close();
    }
}
