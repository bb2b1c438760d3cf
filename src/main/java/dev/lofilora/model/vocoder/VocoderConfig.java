package dev.lofilora.model.vocoder;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lofilora.common.Json;
import dev.lofilora.common.JsonFields;
import dev.lofilora.common.LofiException;
import dev.lofilora.model.mel.LogMelConfig;

import java.nio.file.Path;
import java.util.List;

/**
 * {@code ADaMoSHiFiGANV1}'s {@code config.json} (ACE-Step {@code music_vocoder.py}); an absent field takes the
 * constructor's default (the released values, research/acestep.md §1.3).
 */
public record VocoderConfig(int inputChannels, List<Integer> depths, List<Integer> dims, double dropPathRate,
                            List<Integer> kernelSizes, List<Integer> upsampleRates, List<Integer> upsampleKernelSizes,
                            List<Integer> resblockKernelSizes, List<List<Integer>> resblockDilationSizes, int numMels,
                            int upsampleInitialChannel, boolean useTemplate, int preConvKernelSize,
                            int postConvKernelSize, LogMelConfig mel) {
    public static final String CLASS_NAME = "ADaMoSHiFiGANV1";

    public VocoderConfig {
        depths = List.copyOf(depths);
        dims = List.copyOf(dims);
        kernelSizes = List.copyOf(kernelSizes);
        upsampleRates = List.copyOf(upsampleRates);
        upsampleKernelSizes = List.copyOf(upsampleKernelSizes);
        resblockKernelSizes = List.copyOf(resblockKernelSizes);
        resblockDilationSizes = List.copyOf(resblockDilationSizes);
    }

    public static VocoderConfig read(Path file) {
        return parse(Json.readTree(file), file);
    }

    public static VocoderConfig parse(JsonNode node, Path file) {
        JsonFields f = new JsonFields(node, file);
        LogMelConfig mel = new LogMelConfig(f.integer("sampling_rate", 44100), f.integer("n_fft", 2048),
                f.integer("win_length", 2048), f.integer("hop_length", 512), f.integer("n_mels", 128),
                f.number("f_min", 40), f.number("f_max", 16000));
        VocoderConfig c = new VocoderConfig(f.integer("input_channels", 128), f.ints("depths", List.of(3, 3, 9, 3)),
                f.ints("dims", List.of(128, 256, 384, 512)), f.number("drop_path_rate", 0.0),
                f.ints("kernel_sizes", List.of(7)), f.ints("upsample_rates", List.of(4, 4, 2, 2, 2, 2, 2)),
                f.ints("upsample_kernel_sizes", List.of(8, 8, 4, 4, 4, 4, 4)),
                f.ints("resblock_kernel_sizes", List.of(3, 7, 11, 13)),
                f.intLists("resblock_dilation_sizes", List.of(List.of(1, 3, 5), List.of(1, 3, 5), List.of(1, 3, 5),
                        List.of(1, 3, 5))),
                f.integer("num_mels", 512), f.integer("upsample_initial_channel", 1024),
                f.bool("use_template", false), f.integer("pre_conv_kernel_size", 13),
                f.integer("post_conv_kernel_size", 13), mel);
        c.validate(file);
        return c;
    }

    /** The HiFi-GAN hop: the product of the upsample rates (must equal the mel hop). */
    public int hop() {
        int p = 1;
        for (int r : upsampleRates) p *= r;
        return p;
    }

    private void validate(Path file) {
        String problem = null;
        if (depths.size() != dims.size() || depths.isEmpty()) problem = "depths and dims must have the same, non-zero length";
        else if (kernelSizes.isEmpty()) problem = "kernel_sizes is empty";
        else if (upsampleRates.size() != upsampleKernelSizes.size()) problem = "upsample_rates and upsample_kernel_sizes differ in length";
        else if (resblockKernelSizes.size() != resblockDilationSizes.size()) problem = "resblock_kernel_sizes and resblock_dilation_sizes differ in length";
        else if (resblockDilationSizes.stream().anyMatch(d -> d.size() != 3)) problem = "every resblock needs 3 dilations (ResBlock1)";
        else if (hop() != mel.hopLength()) problem = "the upsample rates multiply to " + hop() + ", not hop_length " + mel.hopLength();
        else if (numMels != dims.get(dims.size() - 1)) problem = "num_mels " + numMels + " must equal the last of dims (" + dims.get(dims.size() - 1) + ")";
        else if (inputChannels != mel.nMels()) problem = "input_channels " + inputChannels + " must equal n_mels " + mel.nMels();
        else if (upsampleInitialChannel % (1 << upsampleRates.size()) != 0) problem = "upsample_initial_channel must be divisible by 2^" + upsampleRates.size();
        else if (useTemplate) problem = "use_template true (the noise-template HiFi-GAN) is not supported; ACE-Step's vocoder uses false";
        if (problem != null) throw new LofiException(file, problem, "use the vocoder config.json of an ACE-Step checkpoint");
    }
}
