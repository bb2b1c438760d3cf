package dev.lofilora.model.umt5;

import dev.lofilora.nn.Capture;
import dev.lofilora.nn.Embedding;
import dev.lofilora.nn.Module;
import dev.lofilora.nn.ModuleList;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import dev.lofilora.model.io.ComponentFolder;
import org.bytedeco.pytorch.Device;

import java.util.Map;
import java.util.Set;

/**
 * transformers {@code UMT5EncoderModel} in eval mode: {@code shared} token embedding → {@code encoder.block.*} →
 * {@code encoder.final_layer_norm}. The checkpoint's {@code encoder.embed_tokens.weight} is the same (tied) tensor as
 * {@code shared.weight}; the module tree holds it once, under {@code shared} ({@link #load} maps the alias).
 */
public final class UMT5EncoderModel extends Module {
    /** The checkpoint alias of {@code shared.weight}. */
    public static final String TIED_ALIAS = "encoder.embed_tokens.weight";

    /** {@code UMT5Stack} (encoder side). */
    public static final class Stack extends Module {
        public final ModuleList<UMT5Block> block;
        public final UMT5LayerNorm final_layer_norm;

        Stack(Umt5Config c) {
            block = module("block", new ModuleList<>());
            for (int i = 0; i < c.numLayers(); i++) block.add(new UMT5Block(c));
            final_layer_norm = module("final_layer_norm", new UMT5LayerNorm(c.dModel(), c.layerNormEpsilon()));
        }
    }

    public final Umt5Config config;
    public final Embedding shared;
    public final Stack encoder;

    public UMT5EncoderModel(Umt5Config config) {
        this.config = config;
        shared = module("shared", new Embedding(config.vocabSize(), config.dModel()));
        encoder = module("encoder", new Stack(config));
    }

    /** ids [B, L] int64, mask [B, L] (1 = token) → last_hidden_state [B, L, D] (padded positions included). */
    public Tensor forward(Tensor ids, Tensor mask) {
        return forward(ids, mask, Capture.NONE);
    }

    /** As {@link #forward(Tensor, Tensor)}, recording {@code relative_position_bucket} [L, L]. */
    public Tensor forward(Tensor ids, Tensor mask, Capture capture) {
        Tensor h = shared.forward(ids);                                                     // [B, L, D]
        // (1 − mask)·finfo(float32).min, broadcast over heads and queries
        Tensor additive = mask.to(h.scalar_type()).unsqueeze(1).unsqueeze(1)              // [B, 1, 1, L]
                .mul(new Scalar(-1.0)).add(new Scalar(1.0)).mul(new Scalar(-Float.MAX_VALUE));
        Tensor buckets = UMT5Attention.buckets(ids.size(1), config.relativeAttentionNumBuckets(),
                config.relativeAttentionMaxDistance(), ids.device());                      // [L, L]
        if (capture.active()) capture.put("relative_position_bucket", buckets);
        for (UMT5Block b : encoder.block.items()) h = b.forward(h, additive, buckets);
        return encoder.final_layer_norm.forward(h);
    }

    /**
     * Loads {@code config.json} + weights of {@code folder} strictly by name (float32, eval mode); a file holding only
     * the tied alias {@code encoder.embed_tokens.weight} loads it as {@code shared.weight}.
     */
    public static UMT5EncoderModel load(ComponentFolder folder, Device device) {
        UMT5EncoderModel m = new UMT5EncoderModel(Umt5Config.read(folder.config()));
        try {
            folder.load(m, device, Set.of(), Map.of("shared.weight", TIED_ALIAS), Set.of(TIED_ALIAS));
            return m;
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
    }
}
