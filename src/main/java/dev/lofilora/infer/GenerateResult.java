package dev.lofilora.infer;

import java.nio.file.Path;
import java.util.List;

/**
 * What {@code lofi generate} did.
 *
 * @param items   per clip, in the order given
 * @param model   where the model came from
 * @param device  the device used
 * @param dtype   "float32" or "bfloat16"
 * @param lora    the LoRA applied (null for none)
 * @param seconds wall time of the whole run, loading included
 */
public record GenerateResult(List<Item> items, String model, String device, String dtype, LoraInfo lora,
                             double seconds) {
    /** Per clip: status "generated", "unchanged" (files of the same settings exist) or "failed". */
    public record Item(String name, String status, Path audio, Path params, Long seed, Integer frames, Long samples,
                       Double audioSeconds, Double generationSeconds, String message) {}

    /**
     * @param source         the file or folder
     * @param format         peft, acestep or lofi_export
     * @param scale          the {@code --lora-scale} given
     * @param effectiveScale what the layers apply
     * @param mode           training or acestep_loader
     * @param layers         wrapped layers
     */
    public record LoraInfo(String source, String format, double scale, double effectiveScale, String mode, int layers) {}

    /** Whether every clip was generated or already there. */
    public boolean allDone() {
        return items.stream().noneMatch(i -> i.status().equals("failed"));
    }
}
