package dev.lofilora.model.mel;

import dev.lofilora.nn.Module;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.ScalarOptional;
import org.bytedeco.pytorch.Tensor;

/**
 * ACE-Step's {@code LogMelSpectrogram} (the vocoder's {@code mel_transform}): {@code log(clamp(mel(|STFT|), 1e-5))}
 * with children {@code spectrogram} ({@code window}) and {@code mel_scale} ({@code fb}) named as in the vocoder's
 * state dict.
 */
public final class LogMelSpectrogram extends Module {
    public static final double LOG_CLAMP_MIN = 1e-5;

    public final LogMelConfig config;
    public final LinearSpectrogram spectrogram;
    public final MelScale mel_scale;

    public LogMelSpectrogram(LogMelConfig config) {
        this.config = config;
        this.spectrogram = module("spectrogram", new LinearSpectrogram(config));
        this.mel_scale = module("mel_scale", new MelScale(config));
    }

    /** wav [B, L] → log-mel [B, n_mels, F] with F = {@link LogMelConfig#frames}(L). */
    public Tensor forward(Tensor wav) {
        Tensor mel = mel_scale.forward(spectrogram.forward(wav));                       // [B, M, F]
        return mel.clamp(new ScalarOptional(new Scalar(LOG_CLAMP_MIN)), new ScalarOptional()).log();
    }
}
