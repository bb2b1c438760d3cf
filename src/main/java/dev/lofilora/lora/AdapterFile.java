package dev.lofilora.lora;

import dev.lofilora.nn.Module;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

import java.nio.file.Path;
import java.util.Map;

/**
 * A LoRA adapter read from disk by {@link AdapterFiles#read}: its format, the PEFT config that fits its tensors, the
 * scale to apply at inference ({@link #scale}, already accounting for a baked scale), and the weights by PEFT key
 * without prefix. Owns the weight handles (views of the mapped file); {@link #close()} releases them.
 *
 * @param source  the file or folder it was read from
 * @param config  the adapter config (from adapter_config.json or the file's metadata; otherwise rebuilt from the
 *                tensors as diffusers does: r from lora_B, alpha = r, the exact module paths as targets)
 * @param scale   the output scale to apply (PEFT: the config's; ACE-Step files and our export: 1.0)
 * @param trainingScale the scale the adapter was trained with when the file says so (PEFT config, our export's
 *                {@code lofi.scale_baked}); NaN when unknown (plain ACE-Step files)
 */
public record AdapterFile(Path source, AdapterFormat format, LoraConfig config, double scale, double trainingScale,
                          Map<String, Tensor> weights) implements AutoCloseable {
    public AdapterFile {
        weights = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(weights));
    }

    /** Injects this adapter into {@code root} (frozen base) in fp32, loads the weights and sets {@link #scale}. */
    public LoraModel applyTo(Module root) {
        LoraModel lora = LoraModel.inject(root, config);
        try {
            lora.load(weights, ScalarType.Float, source);
            lora.setScaling(scale);
            return lora;
        } catch (RuntimeException e) {
            lora.close();
            throw e;
        }
    }

    @Override
    public void close() {
        weights.values().forEach(Tensor::close);
    }
}
