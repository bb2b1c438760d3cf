package dev.lofilora.infer;

import dev.lofilora.model.transformer.ACEStepTransformer2DModel;
import dev.lofilora.model.umt5.UMT5EncoderModel;
import dev.lofilora.nn.Linear;
import dev.lofilora.nn.Module;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The ERG forward hooks of ACE-Step's pipeline ({@code forward_encoder_with_temperature},
 * {@code forward_diffusion_with_temperature}, and {@code get_text_embeddings_null} for the tag): while installed, each target {@link Linear}'s output is multiplied in
 * place by τ = 0.01 ({@code output[:] *= tau}), after any LoRA delta — the hook sits on the whole layer as it does on
 * PEFT's wrapper. The original's layer ranges are {@code range(8, 10)} of UMT5, {@code range(4, 6)} of the lyric
 * encoder and {@code range(15, 20)} of the transformer; a smaller model (the tiny preset) gets the layers of those
 * ranges it has, possibly none.
 */
public final class ErgHooks implements AutoCloseable {
    /** The original's τ. */
    public static final double TAU = 0.01;
    /** {@code l_min, l_max} of the lyric hook: Conformer layers 4 and 5. */
    public static final int LYRIC_FROM = 4, LYRIC_TO = 6;
    /** {@code l_min, l_max} of the diffusion hook: transformer blocks 15 to 19. */
    public static final int DIFFUSION_FROM = 15, DIFFUSION_TO = 20;
    /** {@code l_min, l_max} of the tag hook ({@code get_text_embeddings_null}): UMT5 encoder blocks 8 and 9. */
    public static final int TAG_FROM = 8, TAG_TO = 10;

    private final List<Linear> hooked;
    private final List<String> names;

    private ErgHooks(List<Linear> hooked, List<String> names) {
        this.hooked = hooked;
        this.names = names;
    }

    /** The lyric-encoder targets that exist in {@code model}, by dotted name, in the original's order. */
    public static List<String> lyricTargets(ACEStepTransformer2DModel model) {
        List<String> out = new ArrayList<>();
        int layers = model.lyric_encoder.encoders.size();
        for (int i = LYRIC_FROM; i < Math.min(LYRIC_TO, layers); i++) {
            out.add("lyric_encoder.encoders." + i + ".self_attn.linear_q");
        }
        return out;
    }

    /** The transformer targets that exist in {@code model}, in the original's order (attn then cross_attn, per block). */
    public static List<String> diffusionTargets(ACEStepTransformer2DModel model) {
        List<String> out = new ArrayList<>();
        int blocks = model.transformer_blocks.size();
        for (int i = DIFFUSION_FROM; i < Math.min(DIFFUSION_TO, blocks); i++) {
            out.add("transformer_blocks." + i + ".attn.to_q");
            out.add("transformer_blocks." + i + ".cross_attn.to_q");
        }
        return out;
    }

    /** The UMT5 targets that exist in {@code encoder}: {@code encoder.block[8, 9].layer[0].SelfAttention.q}. */
    public static List<String> tagTargets(UMT5EncoderModel encoder) {
        List<String> out = new ArrayList<>();
        int blocks = encoder.encoder.block.size();
        for (int i = TAG_FROM; i < Math.min(TAG_TO, blocks); i++) {
            out.add("encoder.block." + i + ".layer.0.SelfAttention.q");
        }
        return out;
    }

    /** Installs the τ hook on each of {@code targets} (dotted names of {@link Linear}s in {@code model}). */
    public static ErgHooks install(Module model, List<String> targets) {
        Map<String, Module> modules = model.namedModules();
        List<Linear> layers = new ArrayList<>();
        for (String name : targets) {
            if (!(modules.get(name) instanceof Linear l)) {
                throw new IllegalArgumentException("ERG target " + name + " is not a Linear layer of the model");
            }
            layers.add(l);
        }
        UnaryOperator<Tensor> hook = y -> y.mul_(new Scalar(TAU));
        List<Linear> done = new ArrayList<>();
        try {
            for (Linear l : layers) {
                if (l.setOutputHook(hook) != null) throw new IllegalStateException("a hook is already installed");
                done.add(l);
            }
        } catch (RuntimeException e) {
            done.forEach(l -> l.setOutputHook(null));
            throw e;
        }
        return new ErgHooks(done, List.copyOf(targets));
    }

    /** Hooks nothing (ERG switched off, or no target in the model). */
    public static ErgHooks none() {
        return new ErgHooks(List.of(), List.of());
    }

    /** The hooked layers' dotted names. */
    public List<String> names() { return names; }

    /** Removes the hooks ({@code handle.remove()}). */
    @Override
    public void close() {
        hooked.forEach(l -> l.setOutputHook(null));
    }
}
