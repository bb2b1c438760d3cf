package dev.lofilora.infer;

import dev.lofilora.common.LofiException;
import dev.lofilora.lora.AdapterFile;
import dev.lofilora.lora.AdapterFiles;
import dev.lofilora.lora.AdapterFormat;
import dev.lofilora.lora.LoraModel;
import dev.lofilora.model.transformer.ACEStepTransformer2DModel;
import org.bytedeco.pytorch.global.torch.ScalarType;

import java.nio.file.Path;

/**
 * A LoRA applied to the transformer for generation (research/acestep.md §5.4), in any format
 * {@link AdapterFiles#read} takes: a PEFT checkpoint folder or {@code adapter_model.safetensors}, ACE-Step's
 * {@code pytorch_lora_weights.safetensors}, or our export with its baked scale.
 *
 * <p>What the user's {@code --lora-scale S} means depends on {@link ScaleMode}:
 * <ul>
 *   <li>{@link ScaleMode#TRAINING} (the default): S is the training strength — 1.0 applies the adapter exactly as it was
 *       trained (PEFT: S·alpha/√r or S·alpha/r from its config; our export: S, the training scale already being in
 *       lora_B; a plain ACE-Step file carries no alpha, so S·1.0 — adapters trained with ACE-Step's shipped configs
 *       need S = 2 to match their training);</li>
 *   <li>{@link ScaleMode#ACESTEP_LOADER}: ACE-Step's own {@code load_lora(path, S)}, which ignores alpha (diffusers
 *       rebuilds the config with lora_alpha = r) and applies S to the file's A/B as they are, in the model's dtype —
 *       use it to match outputs made with the Python pipeline.</li>
 * </ul>
 * An effective scale of 0 switches the adapter off, so the output is bit for bit the model's own (its shapes are still
 * checked). The adapter is loaded before anything is written, so a mismatched file stops a run cleanly.
 */
public final class InferenceLora implements AutoCloseable {
    /** How {@code --lora-scale} is turned into the layers' output scale. */
    public enum ScaleMode {
        /** S × the adapter's training scale (1.0 = as trained); adapter weights in fp32. */
        TRAINING,
        /** S as ACE-Step's pipeline applies it (alpha ignored); adapter weights in the model's dtype. */
        ACESTEP_LOADER
    }

    private final AdapterFile file;
    private final LoraModel lora;
    private final double effectiveScale;
    private final ScaleMode mode;

    private InferenceLora(AdapterFile file, LoraModel lora, double effectiveScale, ScaleMode mode) {
        this.file = file;
        this.lora = lora;
        this.effectiveScale = effectiveScale;
        this.mode = mode;
    }

    /**
     * Reads {@code path} and injects it into {@code model} at {@code scale}. Throws {@link LofiException} naming the
     * file when it is unreadable, targets no layer of the model, or its shapes do not fit.
     */
    public static InferenceLora apply(ACEStepTransformer2DModel model, Path path, double scale, ScaleMode mode) {
        if (!Double.isFinite(scale)) {
            throw new LofiException(path, "--lora-scale is " + scale, "give a finite number (1.0 = as trained)");
        }
        AdapterFile file = AdapterFiles.read(path);
        LoraModel lora = null;
        try {
            lora = LoraModel.inject(model, file.config());
            ScalarType dtype = mode == ScaleMode.ACESTEP_LOADER ? model.dtype() : ScalarType.Float;
            lora.load(file.weights(), dtype, file.source());
            double effective = mode == ScaleMode.ACESTEP_LOADER ? scale : scale * file.scale();
            lora.setScaling(effective);
            if (effective == 0) lora.setEnabled(false);
            return new InferenceLora(file, lora, effective, mode);
        } catch (LofiException e) {
            if (lora != null) lora.close();
            file.close();
            throw e.file() != null ? e : new LofiException(path, e.problem(), e.fix(), e);
        } catch (RuntimeException e) {
            if (lora != null) lora.close();
            file.close();
            throw e;
        }
    }

    /** The file or folder it came from. */
    public Path source() { return file.source(); }

    public AdapterFormat format() { return file.format(); }

    public ScaleMode mode() { return mode; }

    /** The output scale the wrapped layers apply (0: the adapter is off). */
    public double effectiveScale() { return effectiveScale; }

    /** The scale the adapter was trained with when its file says so, else NaN. */
    public double trainingScale() { return file.trainingScale(); }

    /** How many layers carry the adapter. */
    public int layers() { return lora.layers().size(); }

    /** Removes the adapter from the model and frees its weights. */
    @Override
    public void close() {
        lora.close();
        file.close();
    }
}
