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
 * @param run           generate the clips from a training run's checkpoints first (then {@code checkpoints} is
 *                      empty), or null to score the given folders
 */
public record ValidateConfig(Path reference, List<CheckpointAudio> checkpoints, String vggish, String clap,
                             Path clapTokenizer, Path outDir, Double seconds, String device, ConfigFiles config,
                             RunSource run) {
    public ValidateConfig {
        checkpoints = List.copyOf(checkpoints);
        if (device == null) device = "cpu";
        if (config == null) config = ConfigFiles.defaults();
    }

    /** Scores the given folders (no generation). */
    public ValidateConfig(Path reference, List<CheckpointAudio> checkpoints, String vggish, String clap,
                          Path clapTokenizer, Path outDir, Double seconds, String device, ConfigFiles config) {
        this(reference, checkpoints, vggish, clap, clapTokenizer, outDir, seconds, device, config, null);
    }

    /**
     * {@code --run}: which run and checkpoints to generate for, and overrides of the {@code generation} section of
     * {@code validation.json} (null keeps each).
     *
     * @param dir           the run folder ({@code lofi train --out})
     * @param checkpoints   all (null too), last, a step, or a comma list of steps
     * @param model         the base model ("tiny" or an ACE-Step v1 folder); null: the one run.json names
     * @param clipsPerStyle prompts per style of the validation split
     * @param steps         sampling steps
     */
    public record RunSource(Path dir, String checkpoints, String model, Integer clipsPerStyle, Integer steps) {}
}
