package dev.lofilora.preprocess;

import dev.lofilora.common.ConfigFiles;

import java.nio.file.Path;

/**
 * Input of {@link ReconstructJob}.
 *
 * @param audio       any file FFmpeg decodes
 * @param out         the WAV to write (48 kHz stereo, 24-bit)
 * @param model       {@code "tiny"} or an ACE-Step checkpoint folder
 * @param device      "auto", "cpu", "cuda" or "cuda:N"
 * @param bf16Weights as for preprocess: null = yes for a checkpoint, no for tiny
 * @param configs     config files (the tiny preset)
 */
public record ReconstructConfig(Path audio, Path out, String model, String device, Boolean bf16Weights,
                                ConfigFiles configs) {
    public ReconstructConfig {
        if (audio == null || out == null) throw new IllegalArgumentException("audio and out are required");
        if (device == null) device = "auto";
        if (configs == null) configs = ConfigFiles.defaults();
    }

    public static ReconstructConfig of(Path audio, Path out, String model) {
        return new ReconstructConfig(audio, out, model, "auto", null, ConfigFiles.defaults());
    }
}
