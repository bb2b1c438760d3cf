package dev.lofilora.metrics.validate;

import dev.lofilora.common.ConfigFiles;

import java.nio.file.Path;
import java.util.List;

/**
 * A {@code lofi validate} run.
 *
 * @param reference     the held-out real tracks (lofi dataset's validation folder)
 * @param checkpoints   the generated audio to score, one folder per checkpoint
 * @param vggish        VGGish weights (torchvggish .pth or safetensors) or "tiny"
 * @param clap          LAION-CLAP checkpoint (.pt or safetensors) or "tiny"
 * @param clapTokenizer roberta-base tokenizer.json (null: {@code tokenizer.json} beside the CLAP checkpoint)
 * @param outDir        where the reports, caches and per-checkpoint state go
 * @param seconds       clip length override (null: config's {@code seconds})
 * @param device        "cpu", "cuda", "cuda:N"
 * @param config        configuration files ({@code validation.json}, {@code tiny_model.json})
 */
public record ValidateConfig(Path reference, List<CheckpointAudio> checkpoints, String vggish, String clap,
                             Path clapTokenizer, Path outDir, Double seconds, String device, ConfigFiles config) {
    public ValidateConfig {
        checkpoints = List.copyOf(checkpoints);
        if (device == null) device = "cpu";
        if (config == null) config = ConfigFiles.defaults();
    }
}
