package dev.lofilora.model.dcae;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lofilora.common.Json;
import dev.lofilora.common.JsonFields;
import dev.lofilora.common.LofiException;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * diffusers {@code AutoencoderDC}'s {@code config.json} (v0.33.1 field names, plus the later
 * {@code encoder_out_shortcut}/{@code decoder_in_shortcut}/{@code decoder_conv_act_fn} with their defaults). Absent
 * fields take the constructor defaults; the ACE-Step {@code music_dcae_f8c8} values are in research/acestep.md §1.3.
 * Per-block string fields given as one string apply to every block, as in diffusers.
 */
public record DcaeConfig(int inChannels, int latentChannels, int attentionHeadDim,
                         List<String> encoderBlockTypes, List<String> decoderBlockTypes,
                         List<Integer> encoderBlockOutChannels, List<Integer> decoderBlockOutChannels,
                         List<Integer> encoderLayersPerBlock, List<Integer> decoderLayersPerBlock,
                         List<List<Integer>> encoderQkvMultiscales, List<List<Integer>> decoderQkvMultiscales,
                         String upsampleBlockType, String downsampleBlockType, List<String> decoderNormTypes,
                         List<String> decoderActFns, boolean encoderOutShortcut, boolean decoderInShortcut,
                         String decoderConvActFn, double scalingFactor) {
    public static final String CLASS_NAME = "AutoencoderDC";
    static final Set<String> ACTIVATIONS = Set.of("silu", "swish", "relu", "gelu");
    static final Set<String> BLOCK_TYPES = Set.of("ResBlock", "EfficientViTBlock");

    public static DcaeConfig read(Path file) {
        return parse(Json.readTree(file), file);
    }

    public static DcaeConfig parse(JsonNode node, Path file) {
        JsonFields f = new JsonFields(node, file);
        List<Integer> encOut = f.ints("encoder_block_out_channels", List.of(128, 256, 512, 512, 1024, 1024));
        List<Integer> decOut = f.ints("decoder_block_out_channels", List.of(128, 256, 512, 512, 1024, 1024));
        List<List<Integer>> defaultMs = List.of(List.of(), List.of(), List.of(), List.of(5), List.of(5), List.of(5));
        DcaeConfig c = new DcaeConfig(f.integer("in_channels", 3), f.integer("latent_channels", 32),
                f.integer("attention_head_dim", 32),
                f.texts("encoder_block_types", "ResBlock", encOut.size()),
                f.texts("decoder_block_types", "ResBlock", decOut.size()), encOut, decOut,
                f.ints("encoder_layers_per_block", List.of(2, 2, 2, 3, 3, 3)),
                f.ints("decoder_layers_per_block", List.of(3, 3, 3, 3, 3, 3)),
                f.intLists("encoder_qkv_multiscales", defaultMs), f.intLists("decoder_qkv_multiscales", defaultMs),
                f.text("upsample_block_type", "pixel_shuffle"), f.text("downsample_block_type", "pixel_unshuffle"),
                f.texts("decoder_norm_types", "rms_norm", decOut.size()),
                f.texts("decoder_act_fns", "silu", decOut.size()), f.bool("encoder_out_shortcut", true),
                f.bool("decoder_in_shortcut", true), f.text("decoder_conv_act_fn", "relu"),
                f.number("scaling_factor", 1.0));
        c.validate(file);
        return c;
    }

    /** Spatial compression 2^(stages − 1): 8 for the 4-stage f8c8 model. */
    public int compression() { return 1 << (encoderBlockOutChannels.size() - 1); }

    private void validate(Path file) {
        int n = encoderBlockOutChannels.size();
        String problem = null;
        if (n < 1 || decoderBlockOutChannels.size() != n) problem = "encoder and decoder need the same number of blocks";
        else if (encoderLayersPerBlock.size() != n || decoderLayersPerBlock.size() != n) problem = "layers_per_block must list one count per block";
        else if (encoderQkvMultiscales.size() != n || decoderQkvMultiscales.size() != n) problem = "qkv_multiscales must list one entry per block";
        else if (!encoderBlockTypes.stream().allMatch(BLOCK_TYPES::contains) || !decoderBlockTypes.stream().allMatch(BLOCK_TYPES::contains)) problem = "block types must be ResBlock or EfficientViTBlock";
        else if (!decoderNormTypes.stream().allMatch("rms_norm"::equals)) problem = "only rms_norm decoder norms are supported (ACE-Step's DCAE uses rms_norm)";
        else if (!decoderActFns.stream().allMatch(ACTIVATIONS::contains) || !ACTIVATIONS.contains(decoderConvActFn)) problem = "activations must be one of " + ACTIVATIONS;
        else if (!Set.of("Conv", "pixel_unshuffle").contains(downsampleBlockType)) problem = "downsample_block_type must be Conv or pixel_unshuffle";
        else if (!Set.of("interpolate", "pixel_shuffle").contains(upsampleBlockType)) problem = "upsample_block_type must be interpolate or pixel_shuffle";
        else if (encoderLayersPerBlock.get(0) == 0 || decoderLayersPerBlock.get(0) == 0) problem = "a first block without layers (conv_in/conv_out as up/down blocks) is not supported";
        if (problem != null) throw new LofiException(file, problem, "use the music_dcae_f8c8 config.json of an ACE-Step checkpoint");
    }
}
