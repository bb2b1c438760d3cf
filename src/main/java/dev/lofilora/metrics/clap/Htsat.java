package dev.lofilora.metrics.clap;

import dev.lofilora.nn.BatchNorm;
import dev.lofilora.nn.Capture;
import dev.lofilora.nn.Conv1d;
import dev.lofilora.nn.Conv2d;
import dev.lofilora.nn.LayerNorm;
import dev.lofilora.nn.Linear;
import dev.lofilora.nn.Module;
import dev.lofilora.nn.ModuleList;
import dev.lofilora.nn.Parameter;
import org.bytedeco.pytorch.DoubleOptional;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * LAION-CLAP's audio tower, htsat.py {@code HTSAT_Swin_Transformer} without fusion, in eval. The front end is the
 * model's own: torchlibrosa's STFT as two Conv1d with the checkpoint's DFT×window weights over the reflect-padded
 * clip, power {@code re² + im²}, the checkpoint's Slaney mel matrix {@code melW}, {@code 10·log10(clamp(x, 1e-10))},
 * {@code bn0} over mel bins; then {@code reshape_wav2img} (bicubic, align_corners, 1001 → 1024 frames; four time chunks
 * stacked along frequency: 256×256), the patch embedding, the Swin stages and the final LayerNorm. The embedding is
 * the mean of the final tokens (the original's {@code avgpool} over the grouped map, which averages the same values).
 * {@code tscam_conv} and {@code head} (the AudioSet classifier) are part of the checkpoints and of this tree, unused.
 */
public final class Htsat extends Module {
    public final SpectrogramExtractor spectrogram_extractor;
    public final LogmelExtractor logmel_extractor;
    public final BatchNorm bn0;
    public final PatchEmbed patch_embed;
    public final ModuleList<BasicLayer> layers;
    public final LayerNorm norm;
    public final Conv2d tscam_conv;
    public final Linear head;
    private final HtsatConfig config;

    /** torchlibrosa {@code Spectrogram}: holds {@code stft.conv_real}, {@code stft.conv_imag}. */
    public static final class SpectrogramExtractor extends Module {
        public final Stft stft;

        SpectrogramExtractor(int nfft, int hop) { stft = module("stft", new Stft(nfft, hop)); }
    }

    /** torchlibrosa {@code STFT}: the DFT rows times the window, as convolutions (no bias). */
    public static final class Stft extends Module {
        public final Conv1d conv_real;
        public final Conv1d conv_imag;

        Stft(int nfft, int hop) {
            conv_real = module("conv_real", new Conv1d(1, nfft / 2 + 1, nfft, hop, 0, 1, false));
            conv_imag = module("conv_imag", new Conv1d(1, nfft / 2 + 1, nfft, hop, 0, 1, false));
        }
    }

    /** torchlibrosa {@code LogmelFilterBank}: {@code melW} [n_fft/2 + 1, mels]. */
    public static final class LogmelExtractor extends Module {
        public final Parameter melW;

        LogmelExtractor(int bins, int mels) { melW = parameter("melW", bins, mels); }
    }

    /** htsat.py {@code PatchEmbed}: Conv2d(k = stride = patch) → tokens → LayerNorm. */
    public static final class PatchEmbed extends Module {
        public final Conv2d proj;
        public final LayerNorm norm;

        PatchEmbed(int patch, int embed) {
            proj = module("proj", new Conv2d(1, embed, new long[] {patch, patch}, new long[] {patch, patch},
                    new long[] {0, 0}, 1, true));
            norm = module("norm", new LayerNorm(embed, 1e-5));
        }

        Tensor forward(Tensor image) {
            return norm.forward(proj.forward(image).flatten(2, -1).transpose(1, 2));  // [B, grid², C]
        }
    }

    public Htsat(HtsatConfig c) {
        this.config = c;
        spectrogram_extractor = module("spectrogram_extractor", new SpectrogramExtractor(c.windowSize(), c.hopSize()));
        logmel_extractor = module("logmel_extractor", new LogmelExtractor(c.windowSize() / 2 + 1, c.melBins()));
        bn0 = module("bn0", new BatchNorm(c.melBins(), 1e-5));
        patch_embed = module("patch_embed", new PatchEmbed(c.patchSize(), c.embedDim()));
        layers = module("layers", new ModuleList<>());
        int stages = c.depths().size();
        for (int i = 0; i < stages; i++) {
            layers.add(new BasicLayer(c.embedDim() << i, c.gridSize() >> i, c.depths().get(i), c.numHeads().get(i),
                    c.window(), c.mlpRatio(), c.qkvBias(), i < stages - 1));
        }
        norm = module("norm", new LayerNorm(c.numFeatures(), 1e-5));
        int sf = c.specSize() / (1 << (stages - 1)) / c.patchStride() / c.freqRatio();
        tscam_conv = module("tscam_conv", new Conv2d(c.numFeatures(), c.classNum(), new long[] {sf, 3},
                new long[] {1, 1}, new long[] {0, 1}, 1, true));
        head = module("head", new Linear(c.classNum(), c.classNum(), true));
    }

    public HtsatConfig config() { return config; }

    /** waveform [B, clip_samples] at 48 kHz → embedding [B, num_features]; intermediates go to {@code capture}. */
    public Tensor forward(Tensor waveform, Capture capture) {
        int nfft = config.windowSize();
        Tensor x = torch.pad(waveform.unsqueeze(1), new long[] {nfft / 2, nfft / 2}, "reflect", new DoubleOptional());
        Tensor re = spectrogram_extractor.stft.conv_real.forward(x);                              // [B, bins, T]
        Tensor im = spectrogram_extractor.stft.conv_imag.forward(x);
        Tensor power = re.mul(re).add(im.mul(im)).transpose(1, 2).unsqueeze(1);                  // [B, 1, T, bins]
        Tensor mel = power.matmul(logmel_extractor.melW.value());                                 // [B, 1, T, mels]
        Tensor logmel = mel.clamp_min(new Scalar(1e-10)).log10().mul(new Scalar(10.0));
        if (capture.active()) capture.put("logmel", logmel);
        Tensor bn = bn0.forward(logmel.transpose(1, 3)).transpose(1, 3);                          // bn over mel bins
        if (capture.active()) capture.put("logmel_bn", bn);
        Tensor image = reshapeWav2Img(bn);                                                        // [B, 1, 256, 256]
        if (capture.active()) capture.put("image", image);
        Tensor h = patch_embed.forward(image);                                                    // [B, 4096, C]
        if (capture.active()) capture.put("patch_embed", h);
        for (int i = 0; i < layers.size(); i++) {
            h = layers.get(i).forward(h);
            if (capture.active()) capture.put("stage" + i, h);
        }
        h = norm.forward(h);                                                                      // [B, 64, 8C]
        if (capture.active()) capture.put("norm", h);
        Tensor embedding = h.mean(new long[] {1}, false, new org.bytedeco.pytorch.ScalarTypeOptional());
        if (capture.active()) capture.put("embedding", embedding);
        return embedding;
    }

    /** htsat.py {@code reshape_wav2img}: [B, 1, T, F] → [B, 1, spec, spec]. */
    Tensor reshapeWav2Img(Tensor x) {
        long b = x.size(0), t = x.size(2), f = x.size(3);
        int ratio = config.freqRatio();
        long targetT = (long) config.specSize() * ratio, targetF = config.specSize() / ratio;
        if (t > targetT || f > targetF) {
            throw new IllegalArgumentException("spectrogram " + t + "×" + f + " is larger than the Swin input "
                    + targetT + "×" + targetF);
        }
        if (t < targetT) x = torch.upsample_bicubic2d(x, new long[] {targetT, f}, true);
        if (f < targetF) x = torch.upsample_bicubic2d(x, new long[] {x.size(2), targetF}, true);
        x = x.permute(0, 1, 3, 2).contiguous();                                                   // [B, 1, F, T]
        x = x.reshape(b, 1, targetF, ratio, targetT / ratio).permute(0, 1, 3, 2, 4).contiguous();
        return x.reshape(b, 1, ratio * targetF, targetT / ratio);
    }
}
