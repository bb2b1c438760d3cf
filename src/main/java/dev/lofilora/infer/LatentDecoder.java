package dev.lofilora.infer;

import dev.lofilora.model.codec.MusicDcae;
import dev.lofilora.model.codec.MusicDcaeConfig;
import dev.lofilora.model.mel.Resample;
import dev.lofilora.nn.Scoped;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

import java.util.ArrayList;
import java.util.List;

/**
 * Latents to audio, as ACE-Step's {@code latents2audio} (research/acestep.md §5.5): {@link MusicDcae#decode} (DCAE,
 * then the vocoder one stereo channel at a time, 44.1 → 48 kHz), or, with {@code overlapped} and more than 48 s,
 * {@code MusicDCAE.decode_overlap} ({@code music_dcae_pipeline.py} at d612523), which bounds memory on long clips:
 * <ul>
 *   <li>DCAE windows of 512 latent frames at anchors {@code 128, 384, …} (hop 256), keeping each window's mel
 *       without its 1024 overlapping frames at the inner edges;</li>
 *   <li>vocoder windows of 512 mel frames (262,144 samples) hopping 260,096 samples, both channels at once, joined
 *       with a 128-sample linear crossfade inside the 1024-sample overlap;</li>
 *   <li>resampled in the audio's dtype and cut to {@code int(T·4096·sr/44100)} samples.</li>
 * </ul>
 */
public final class LatentDecoder {
    /** ACE-Step decodes with overlap only above this duration (and only when asked to). */
    public static final double OVERLAP_ABOVE_SECONDS = 48.0;
    static final int MEL_PER_LATENT = 8, SAMPLES_PER_MEL = 512;
    static final int DCAE_WINDOW = 512, DCAE_OFFSET = DCAE_WINDOW / 4, DCAE_HOP = DCAE_WINDOW / 2;
    static final int MEL_OVERLAP = DCAE_WINDOW * MEL_PER_LATENT / 4;
    static final int VOCODER_WINDOW = 512 * 512, VOCODER_OVERLAP = 1024;
    static final int VOCODER_HOP = VOCODER_WINDOW - 2 * VOCODER_OVERLAP;
    static final int VOCODER_MEL_FRAMES = VOCODER_WINDOW / SAMPLES_PER_MEL;
    static final int CROSSFADE = 128;

    private LatentDecoder() {}

    /**
     * latents [B, 8, 16, T] → audio [B, 2, L] float32 at {@code sampleRate}.
     *
     * @param overlapped use the windowed decode when {@code seconds} exceeds {@value #OVERLAP_ABOVE_SECONDS} s
     */
    public static Tensor decode(MusicDcae codec, Tensor latents, int sampleRate, double seconds, boolean overlapped) {
        if (overlapped && seconds > OVERLAP_ABOVE_SECONDS) return decodeOverlapped(codec, latents, sampleRate);
        return codec.decode(latents, sampleRate, dev.lofilora.nn.Capture.NONE).to(org.bytedeco.pytorch.global.torch.ScalarType.Float);
    }

    /**
     * As {@link #decode(MusicDcae, Tensor, int, double, boolean)} on any {@link LatentCodec}: the plain decode is
     * {@link MusicDcae#decode}'s steps written out (z = latent/scale + shift, per item the DC-AE, the mel range, the
     * vocoder one stereo channel at a time, a fresh float32 44.1 → {@code sampleRate} kHz resampler), so with
     * {@link LatentCodec#of} it gives the same bits as the module's own.
     */
    public static Tensor decode(LatentCodec codec, Tensor latents, int sampleRate, double seconds, boolean overlapped) {
        if (overlapped && seconds > OVERLAP_ABOVE_SECONDS) return decodeOverlapped(codec, latents, sampleRate);
        try (NoGradGuard g = new NoGradGuard()) {
            MusicDcaeConfig c = codec.config();
            Tensor z = latents.div(new Scalar(c.scaleFactor())).add(new Scalar(c.shiftFactor()));
            TensorVector wavs = new TensorVector();
            for (long i = 0; i < z.size(0); i++) {
                long item = i;
                Tensor melNorm = Scoped.run(() -> codec.dcaeDecode(z.select(0, item).unsqueeze(0)));  // [1, 2, M, F]
                Tensor mel = melNorm.mul(new Scalar(0.5)).add(new Scalar(0.5))
                        .mul(new Scalar(c.maxMelValue() - c.minMelValue())).add(new Scalar(c.minMelValue()));
                Tensor left = Scoped.run(() -> codec.vocode(mel.select(1, 0)).squeeze(1));          // [1, L44]
                Tensor right = Scoped.run(() -> codec.vocode(mel.select(1, 1)).squeeze(1));
                Tensor wav = torch.cat(new TensorVector(left, right), 0);                          // [2, L44]
                if (sampleRate != MusicDcaeConfig.MEL_SAMPLE_RATE) {
                    try (Resample r = new Resample(MusicDcaeConfig.MEL_SAMPLE_RATE, sampleRate)) {
                        r.to(wav.device(), torch.ScalarType.Float);
                        wav = r.forward(wav.to(torch.ScalarType.Float));
                    }
                }
                wavs.push_back(wav);
            }
            return torch.stack(wavs, 0).to(torch.ScalarType.Float);
        }
    }

    /** {@code decode_overlap}: every item separately, then stacked (items of one batch have the same length). */
    public static Tensor decodeOverlapped(MusicDcae codec, Tensor latents, int sampleRate) {
        return decodeOverlapped(LatentCodec.of(codec), latents, sampleRate);
    }

    /** {@link #decodeOverlapped(MusicDcae, Tensor, int)} on any {@link LatentCodec}. */
    public static Tensor decodeOverlapped(LatentCodec codec, Tensor latents, int sampleRate) {
        try (NoGradGuard g = new NoGradGuard()) {
            TensorVector items = new TensorVector();
            MusicDcaeConfig c = codec.config();
            for (long b = 0; b < latents.size(0); b++) {
                long item = b;
                Tensor z = latents.select(0, item).div(new Scalar(c.scaleFactor())).add(new Scalar(c.shiftFactor()))
                        .unsqueeze(0);                                                        // [1, 8, 16, T]
                Tensor mel = mels(codec, z);                                                  // [1, 2, M, F]
                Tensor wav = Scoped.run(() -> vocode(codec, mel));                            // [2, S] at 44.1 kHz
                if (sampleRate != MusicDcaeConfig.MEL_SAMPLE_RATE && wav.numel() > 0) {
                    try (Resample r = new Resample(MusicDcaeConfig.MEL_SAMPLE_RATE, sampleRate)) {
                        wav = r.forward(wav);                                                 // in wav's dtype, as the original
                    }
                }
                long max = (long) ((double) latents.size(3) * MEL_PER_LATENT * SAMPLES_PER_MEL * sampleRate
                        / MusicDcaeConfig.MEL_SAMPLE_RATE);
                items.push_back(wav.narrow(1, 0, Math.min(max, wav.size(1))).to(torch.ScalarType.Float));
            }
            return torch.stack(items, 0);
        }
    }

    static Tensor mels(MusicDcae codec, Tensor z) {
        return mels(LatentCodec.of(codec), z);
    }

    static Tensor vocode(MusicDcae codec, Tensor mel) {
        return vocode(LatentCodec.of(codec), mel);
    }

    /** The overlapped DCAE pass: windows of 512 latent frames, inner mel overlaps trimmed, then denormalised. */
    static Tensor mels(LatentCodec codec, Tensor z) {
        long len = z.size(3);
        List<Integer> anchors = new ArrayList<>();
        for (int a = DCAE_OFFSET; a < len - DCAE_OFFSET; a += DCAE_HOP) anchors.add(a);
        if (anchors.isEmpty()) anchors.add(DCAE_OFFSET);
        TensorVector kept = new TensorVector();
        for (int i = 0; i < anchors.size(); i++) {
            long start = Math.max(0, anchors.get(i) - DCAE_OFFSET);
            long end = Math.min(len, start + DCAE_WINDOW);
            if (end - start <= 0) continue;
            Tensor segment = z.narrow(3, start, end - start);
            Tensor full = Scoped.run(() -> codec.dcaeDecode(segment));                      // [1, 2, M, 8·w]
            boolean first = i == 0, last = i == anchors.size() - 1;
            long w = full.size(3);
            Tensor keep;
            if (first && last) keep = full.narrow(3, 0, Math.min((end - start) * MEL_PER_LATENT, w));
            else if (first) keep = full.narrow(3, 0, Math.max(0, w - MEL_OVERLAP));
            else if (last) keep = full.narrow(3, Math.min(MEL_OVERLAP, w), Math.max(0, w - MEL_OVERLAP));
            else keep = full.narrow(3, Math.min(MEL_OVERLAP, w), Math.max(0, w - 2L * MEL_OVERLAP));
            if (keep.size(3) > 0) kept.push_back(keep);
        }
        Tensor mel = torch.cat(kept, 3);
        MusicDcaeConfig c = codec.config();
        return mel.mul(new Scalar(0.5)).add(new Scalar(0.5)).mul(new Scalar(c.maxMelValue() - c.minMelValue()))
                .add(new Scalar(c.minMelValue()));
    }

    /** The overlapped vocoder pass over mel [1, 2, M, F] → wav [2, S] at 44.1 kHz. */
    static Tensor vocode(LatentCodec codec, Tensor mel) {
        long frames = mel.size(3);
        Tensor m = mel.select(0, 0);                                                          // [2, M, F]
        Tensor block = padTo(m.narrow(2, 0, Math.min(VOCODER_MEL_FRAMES, frames)), VOCODER_MEL_FRAMES);
        Tensor out = codec.vocode(block);                                             // [2, 1, S]
        out = out.narrow(2, 0, out.size(2) - VOCODER_OVERLAP);
        Tensor tail = torch.linspace(new Scalar(1), new Scalar(0), CROSSFADE, new org.bytedeco.pytorch.TensorOptions()
                .dtype(new org.bytedeco.pytorch.ScalarTypeOptional(torch.ScalarType.Float))
                .device(new org.bytedeco.pytorch.DeviceOptional(mel.device()))).view(1, 1, -1);
        Tensor head = torch.linspace(new Scalar(0), new Scalar(1), CROSSFADE, new org.bytedeco.pytorch.TensorOptions()
                .dtype(new org.bytedeco.pytorch.ScalarTypeOptional(torch.ScalarType.Float))
                .device(new org.bytedeco.pytorch.DeviceOptional(mel.device()))).view(1, 1, -1);
        long total = frames * SAMPLES_PER_MEL;
        for (long p = VOCODER_HOP; p < total; p += VOCODER_HOP) {
            long start = p / SAMPLES_PER_MEL;
            if (start >= frames) break;
            Tensor piece = padTo(m.narrow(2, start, Math.min(VOCODER_MEL_FRAMES, frames - start)), VOCODER_MEL_FRAMES);
            Tensor win = codec.vocode(piece);                                         // [2, 1, S]
            long cf = Math.min(CROSSFADE, Math.min(out.size(2), win.size(2) - (VOCODER_OVERLAP - CROSSFADE)));
            if (cf > 0) {
                Tensor faded = out.narrow(2, out.size(2) - cf, cf).mul(tail.narrow(2, 0, cf))
                        .add(win.narrow(2, VOCODER_OVERLAP - cf, cf).mul(head.narrow(2, 0, cf)));
                out = torch.cat(new TensorVector(out.narrow(2, 0, out.size(2) - cf), faded), 2);
            }
            boolean finalAppend = p + VOCODER_HOP >= total;
            long keep = win.size(2) - VOCODER_OVERLAP - (finalAppend ? 0 : VOCODER_OVERLAP);
            out = torch.cat(new TensorVector(out, win.narrow(2, VOCODER_OVERLAP, Math.max(0, keep))), 2);
        }
        return out.squeeze(1);                                                                // [2, S]
    }

    private static Tensor padTo(Tensor block, int frames) {
        long missing = frames - block.size(2);
        return missing > 0 ? torch.constant_pad_nd(block, new long[] {0, missing}, new Scalar(0.0)) : block;
    }
}
