package dev.lofilora.lora;

import dev.lofilora.common.LofiException;

import java.nio.file.Path;

/**
 * {@code lofi export-lora}: writes {@code pytorch_lora_weights.safetensors} for ACE-Step's own {@code load_lora} from a
 * training checkpoint (PEFT), a run folder (its newest checkpoint), or any adapter file {@link AdapterFiles} reads.
 * The scale the source is applied with is baked into {@code lora_B} and recorded as {@code lofi.scale_baked}, so
 * ACE-Step's loader at {@code lora_weight = 1.0} — which ignores alpha (research §5.4) — and our own loader both
 * reproduce the adapter at its trained strength, and neither applies a scale twice.
 */
public final class ExportLoraJob {
    /**
     * @param source a checkpoint folder, a run folder, or an adapter file/folder
     * @param out    a folder (gets {@code pytorch_lora_weights.safetensors}) or a {@code .safetensors} path
     * @param scale  the scale to bake; null = the source's own (PEFT: alpha/√r with rsLoRA)
     */
    public record Config(Path source, Path out, Double scale) {}

    /** What was written. */
    public record Result(Path file, Path source, AdapterFormat sourceFormat, int rank, int layers, double scaleBaked) {}

    private final Config config;

    public ExportLoraJob(Config config) { this.config = config; }

    public Result run() {
        Path src = AdapterFiles.resolve(config.source());
        try (AdapterFile a = AdapterFiles.read(src)) {
            double scale = config.scale() != null ? config.scale() : a.scale();
            if (!Double.isFinite(scale)) throw new LofiException("--scale must be a finite number", "e.g. --scale 2.0");
            Path file = AdapterFiles.export(config.out(), a.config(), a.weights(), scale);
            return new Result(file, src, a.format(), a.config().r(), a.weights().size() / 2, scale);
        }
    }
}
