package dev.lofilora.model.codec;

import dev.lofilora.model.dcae.AutoencoderDC;
import dev.lofilora.model.mel.Resample;
import dev.lofilora.model.vocoder.ADaMoSHiFiGANV1;
import dev.lofilora.nn.Capture;
import dev.lofilora.nn.Module;
import dev.lofilora.nn.Scoped;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

import java.util.HashMap;
import java.util.Map;

/**
 * ACE-Step's audio codec ({@code MusicDCAE}, {@code music_dcae_pipeline.py}): 48 kHz stereo audio ↔ ACE-scaled latents
 * [B, 8, 16, T], T = ⌈⌈L·147/160⌉/4096⌉ ({@link MusicDcaeConfig#latentFrames}).
 *
 * <p>Encode (research/acestep.md §3.5): resample 48 k → 44.1 k ({@code resampler}, torchaudio's kernel) → zero-pad to a
 * multiple of 4096 → per item the vocoder's log-mel of each channel → {@code ((mel + 11)/14 − 0.5)/0.5} →
 * {@code dcae.encoder} → {@code (z − shift)·scale}. Decode (§5.5): {@code z/scale + shift} → {@code dcae.decoder} →
 * {@code (m·0.5 + 0.5)·14 − 11} → the vocoder one stereo channel at a time → a fresh float32 44.1 k → 48 k resampler.
 *
 * <p>Children {@code dcae}, {@code vocoder}, {@code resampler} as in the original; the decode resamplers are created
 * per output rate and are not part of the tree (the original builds them fresh, in float32, so the bf16 rounding of
 * the pipeline's buffers does not touch them). Runs without autograd; not thread-safe.
 */
public final class MusicDcae extends Module {
    public final MusicDcaeConfig config;
    public final AutoencoderDC dcae;
    public final ADaMoSHiFiGANV1 vocoder;
    public final Resample resampler;
    private final Map<Integer, Resample> decodeResamplers = new HashMap<>();

    public MusicDcae(MusicDcaeConfig config, AutoencoderDC dcae, ADaMoSHiFiGANV1 vocoder) {
        this.config = config;
        this.dcae = module("dcae", dcae);
        this.vocoder = module("vocoder", vocoder);
        this.resampler = module("resampler", new Resample(config.sourceSampleRate(), MusicDcaeConfig.MEL_SAMPLE_RATE));
    }

    /** ACE-scaled latents and ACE-Step's {@code latent_lengths}. */
    public record Encoded(Tensor latents, long[] lengths) {}

    /** audio [B, 2, L] at 48 kHz (float32, on the model's device) → latents [B, 8, 16, T]. */
    public Tensor encode(Tensor audio) {
        return encode(audio, Capture.NONE).latents();
    }

    /**
     * As {@link #encode(Tensor)}, with ACE-Step's latent lengths {@code (L/sr·44100/512/8).long()} (float32
     * arithmetic, as the original) and the intermediates recorded ({@code enc_resampled}, {@code enc_mel},
     * {@code enc_dcae_input}, {@code enc_latent_raw}, {@code enc_latents}).
     */
    public Encoded encode(Tensor audio, Capture capture) {
        try (NoGradGuard g = new NoGradGuard()) {
            long length = audio.size(2);
            Tensor x = frontEnd(audio, capture);                                            // [B, 2, M, F]
            TensorVector raws = new TensorVector();
            for (long i = 0; i < x.size(0); i++) {
                long item = i;
                raws.push_back(Scoped.run(() -> dcae.encode(x.select(0, item).unsqueeze(0))));
            }
            Tensor raw = torch.cat(raws, 0);                                               // [B, 8, 16, T]
            if (capture.active()) capture.put("enc_latent_raw", raw);
            Tensor latents = raw.sub(new Scalar(config.shiftFactor())).mul(new Scalar(config.scaleFactor()));
            if (capture.active()) capture.put("enc_latents", latents);
            return new Encoded(latents, latentLengths(length, audio.size(0)));
        }
    }

    /**
     * The mel front end alone: audio [B, 2, L] at 48 kHz → the DCAE's input [B, 2, 128, F] (resample to 44.1 kHz,
     * zero-pad to a multiple of 4096, log-mel per channel, map [−11, 3] to [−1, 1]).
     */
    public Tensor frontEnd(Tensor audio) {
        try (NoGradGuard g = new NoGradGuard()) {
            return frontEnd(audio, Capture.NONE);
        }
    }

    private Tensor frontEnd(Tensor audio, Capture capture) {
        Tensor resampled = resampler.forward(audio);                                       // [B, 2, L44]
        if (capture.active()) capture.put("enc_resampled", resampled);
        long pad = (MusicDcaeConfig.PAD_MULTIPLE - resampled.size(2) % MusicDcaeConfig.PAD_MULTIPLE)
                % MusicDcaeConfig.PAD_MULTIPLE;
        Tensor padded = pad == 0 ? resampled : torch.constant_pad_nd(resampled, new long[] {0, pad}, new Scalar(0.0));
        TensorVector mels = new TensorVector();
        for (long i = 0; i < padded.size(0); i++) mels.push_back(vocoder.encode(padded.select(0, i)));  // [2, M, F]
        Tensor mel = torch.stack(mels, 0);                                                 // [B, 2, M, F]
        if (capture.active()) capture.put("enc_mel", mel);
        Tensor x = mel.sub(new Scalar(config.minMelValue()))
                .div(new Scalar(config.maxMelValue() - config.minMelValue()))
                .sub(new Scalar(0.5)).div(new Scalar(0.5));                                // torchvision Normalize(0.5, 0.5)
        if (capture.active()) capture.put("enc_dcae_input", x);
        return x;
    }

    /** {@code (audio_lengths / sr * 44100 / 512 / 8).long()} with an int64 length tensor (so float32 maths). */
    long[] latentLengths(long length, long batch) {
        try (Tensor l = torch.full(new long[] {batch}, new Scalar(length),
                new org.bytedeco.pytorch.TensorOptions().dtype(new org.bytedeco.pytorch.ScalarTypeOptional(ScalarType.Long)))) {
            Tensor t = l.div(new Scalar(config.sourceSampleRate())).mul(new Scalar(MusicDcaeConfig.MEL_SAMPLE_RATE))
                    .div(new Scalar(512)).div(new Scalar(8)).to(ScalarType.Long);
            return dev.lofilora.tensor.Tensors.toLongArray(t);
        }
    }

    /** latents [B, 8, 16, T] → audio [B, 2, L] at 48 kHz. */
    public Tensor decode(Tensor latents) {
        return decode(latents, config.sourceSampleRate(), Capture.NONE);
    }

    /**
     * latents [B, 8, 16, T] → audio [B, 2, 512·8·T resampled to {@code sampleRate}] (44100 = the vocoder's own rate,
     * no resampling), recording {@code dec_mel_norm}, {@code dec_wav44k} and {@code dec_wav48k} of the last item.
     */
    public Tensor decode(Tensor latents, int sampleRate, Capture capture) {
        try (NoGradGuard g = new NoGradGuard()) {
            Tensor z = latents.div(new Scalar(config.scaleFactor())).add(new Scalar(config.shiftFactor()));
            TensorVector wavs = new TensorVector();
            for (long i = 0; i < z.size(0); i++) {
                long item = i;
                Tensor melNorm = Scoped.run(() -> dcae.decode(z.select(0, item).unsqueeze(0)));   // [1, 2, M, F]
                if (capture.active()) capture.put("dec_mel_norm", melNorm);
                Tensor mel = melNorm.mul(new Scalar(0.5)).add(new Scalar(0.5))
                        .mul(new Scalar(config.maxMelValue() - config.minMelValue())).add(new Scalar(config.minMelValue()));
                // one stereo channel at a time, as the original (to bound memory)
                Tensor left = Scoped.run(() -> vocoder.decode(mel.select(1, 0)).squeeze(1));      // [1, L44]
                Tensor right = Scoped.run(() -> vocoder.decode(mel.select(1, 1)).squeeze(1));
                Tensor wav = torch.cat(new TensorVector(left, right), 0);                       // [2, L44]
                if (capture.active()) capture.put("dec_wav44k", wav);
                if (sampleRate != MusicDcaeConfig.MEL_SAMPLE_RATE) {
                    wav = decodeResampler(sampleRate, wav).forward(wav.to(ScalarType.Float));
                    if (capture.active()) capture.put("dec_wav48k", wav);
                }
                wavs.push_back(wav);
            }
            return torch.stack(wavs, 0);
        }
    }

    private Resample decodeResampler(int rate, Tensor like) {
        Resample r = decodeResamplers.computeIfAbsent(rate, k -> new Resample(MusicDcaeConfig.MEL_SAMPLE_RATE, k));
        if (r.kernel.value().device().type().value != like.device().type().value) r.to(like.device(), ScalarType.Float);
        return r;
    }

    @Override
    public void close() {
        super.close();
        decodeResamplers.values().forEach(Module::close);
    }
}
