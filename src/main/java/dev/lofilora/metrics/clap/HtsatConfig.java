package dev.lofilora.metrics.clap;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lofilora.common.LofiException;
import dev.lofilora.metrics.JsonFields;

import java.nio.file.Path;
import java.util.List;

/**
 * LAION-CLAP's HTSAT audio tower ({@code clap_module/htsat.py} {@code HTSAT_Swin_Transformer}, non-fusion) and its
 * in-model front end ({@code audio_cfg}: 48 kHz, n_fft 1024, hop 480, 64 mels 50–14000 Hz, 10-s clips). Field names
 * are the original's; {@link #BASE} is HTSAT-base (the music checkpoints), {@link #TINY} the 630k ones.
 */
public record HtsatConfig(int sampleRate, int clipSamples, int windowSize, int hopSize, int melBins, double fmin,
                          double fmax, int classNum, int specSize, int patchSize, int patchStride, int embedDim,
                          List<Integer> depths, List<Integer> numHeads, int window, double mlpRatio, boolean qkvBias,
                          String modelName) {
    public static final HtsatConfig BASE = new HtsatConfig(48000, 480000, 1024, 480, 64, 50, 14000, 527, 256, 4, 4,
            128, List.of(2, 2, 12, 2), List.of(4, 8, 16, 32), 8, 4.0, true, "base");
    public static final HtsatConfig TINY = new HtsatConfig(48000, 480000, 1024, 480, 64, 50, 14000, 527, 256, 4, 4,
            96, List.of(2, 2, 6, 2), List.of(4, 8, 16, 32), 8, 4.0, true, "tiny");

    public HtsatConfig {
        depths = List.copyOf(depths);
        numHeads = List.copyOf(numHeads);
        if (depths.size() != numHeads.size() || depths.isEmpty()) {
            throw new IllegalArgumentException("depths and num_heads must have the same, non-zero length");
        }
    }

    /**
     * Reads the golden/original field set ({@code audio_cfg} + the HTSAT constructor arguments). Absent fields take
     * HTSAT-base's values (or tiny's when {@code audio_cfg.model_name} is "tiny"). Fusion is refused.
     */
    public static HtsatConfig parse(JsonNode node, Path source) {
        JsonFields f = new JsonFields(node, source);
        JsonFields a = f.child("audio_cfg");
        String name = a.text("model_name", "base");
        HtsatConfig d = name.equals("tiny") ? TINY : BASE;
        if (f.bool("enable_fusion", false)) {
            throw new LofiException(source, "describes a fusion HTSAT (enable_fusion true)", "use a non-fusion "
                    + "checkpoint: the music checkpoints (music_audioset_epoch_15_esc_90.14.pt) or 630k-audioset-best.pt");
        }
        if (f.bool("ape", false)) throw new LofiException(source, "uses absolute position embeddings (ape)", "not in CLAP's HTSAT");
        int stride = d.patchStride;
        if (f.has("patch_stride")) {
            List<Integer> s = f.integers("patch_stride", List.of(stride, stride));
            if (s.size() != 2 || !s.get(0).equals(s.get(1))) throw new LofiException(source, "patch_stride " + s + " is not square", "CLAP uses (4, 4)");
            stride = s.get(0);
        }
        HtsatConfig c = new HtsatConfig(a.integer("sample_rate", d.sampleRate), a.integer("clip_samples", d.clipSamples),
                a.integer("window_size", d.windowSize), a.integer("hop_size", d.hopSize), a.integer("mel_bins", d.melBins),
                a.number("fmin", d.fmin), a.number("fmax", d.fmax), f.integer("num_classes", a.integer("class_num", d.classNum)),
                f.integer("spec_size", d.specSize), f.integer("patch_size", d.patchSize), stride,
                f.integer("embed_dim", d.embedDim), f.integers("depths", d.depths), f.integers("num_heads", d.numHeads),
                f.integer("window_size", d.window), f.number("mlp_ratio", d.mlpRatio), f.bool("qkv_bias", d.qkvBias), name);
        if (c.patchSize != c.patchStride) {
            throw new LofiException(source, "patch_size " + c.patchSize + " differs from patch_stride " + c.patchStride,
                    "CLAP's HTSAT uses equal patch size and stride (no padding)");
        }
        if (c.specSize % c.melBins != 0) {
            throw new LofiException(source, "spec_size " + c.specSize + " is not a multiple of mel_bins " + c.melBins,
                    "use the released spec_size 256 with 64 mel bins");
        }
        return c;
    }

    /** {@code spec_size // mel_bins} (4): time chunks stacked along frequency. */
    public int freqRatio() { return specSize / melBins; }

    /** Patch grid side (64). */
    public int gridSize() { return specSize / patchStride; }

    /** Width after the last stage: {@code embed_dim · 2^(stages − 1)} (1024 for base). */
    public int numFeatures() { return embedDim << (depths.size() - 1); }

    /** STFT frames of one clip: {@code clip_samples / hop + 1} (center padding), 1001. */
    public int frames() { return clipSamples / hopSize + 1; }

    /** Seconds of one clip (10). */
    public double clipSeconds() { return clipSamples / (double) sampleRate; }

    public String describe() {
        return "HTSAT-" + modelName + " (embed " + embedDim + ", depths " + depths + ", heads " + numHeads + ")";
    }
}
