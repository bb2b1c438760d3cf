package dev.lofilora.preprocess;

import dev.lofilora.audio.AudioBuffer;
import dev.lofilora.audio.io.AudioDecoder;
import dev.lofilora.audio.io.WavFile;
import dev.lofilora.common.LofiException;
import dev.lofilora.common.ProgressListener;
import dev.lofilora.model.codec.MusicDcae;
import dev.lofilora.model.codec.MusicDcaeConfig;
import dev.lofilora.model.mel.Resample;
import dev.lofilora.tensor.Devices;
import dev.lofilora.tensor.Tensors;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

import java.io.IOException;
import java.nio.file.Path;

/**
 * {@code lofi reconstruct}: one track through ACE-Step's codec, encode then decode, so a user can hear what the
 * autoencoder keeps of their material. The input is decoded with FFmpeg, made 48 kHz stereo (torchaudio's resampling
 * kernel when needed, mono duplicated) and clamped to [−1, 1]; the output is the decoded audio cut to the input's
 * length, written as a 48 kHz stereo 24-bit WAV (atomically). The report gives the waveform SNR and the log-mel
 * distance between input and output.
 */
public final class ReconstructJob {
    private final ReconstructConfig config;

    public ReconstructJob(ReconstructConfig config) {
        this.config = config;
    }

    public ReconstructResult run(ProgressListener progress) throws IOException {
        ProgressListener listener = progress == null ? ProgressListener.NONE : progress;
        long t0 = System.nanoTime();
        String name = config.out().getFileName() == null ? "" : config.out().getFileName().toString().toLowerCase();
        if (!name.endsWith(".wav")) {
            throw new LofiException(config.out(), "is not a .wav file name", "give --out a path ending in .wav");
        }
        AudioBuffer decoded = AudioDecoder.decode(config.audio());
        Device device = FrozenModels.device(config.device());
        listener.start("reconstruct", 3);
        try (MusicDcae codec = FrozenModels.codec(config.model(), device, config.bf16Weights(), config.configs());
             PointerScope scope = new PointerScope()) {
            listener.advance(1, "model loaded");
            Tensor x = stereo48k(decoded).to(device, ScalarType.Float);                   // [1, 2, L]
            long length = x.size(2);
            if (length == 0) throw new LofiException(config.audio(), "holds no samples", "give a non-empty audio file");
            Tensor latent = codec.encode(x);                                                // [1, 8, 16, T]
            listener.advance(1, "encoded");
            Tensor y = codec.decode(latent);                                                // [1, 2, L' ≥ L]
            long n = Math.min(length, y.size(2));
            y = y.narrow(2, 0, n).cpu();
            Tensor xc = x.narrow(2, 0, n).cpu();
            double snr = snrDb(xc, y);
            double mel = melDistanceDb(codec, x.narrow(2, 0, n), y.to(device, ScalarType.Float));
            float[] flat = Tensors.toFloatArray(y.squeeze(0));
            float[][] channels = {java.util.Arrays.copyOfRange(flat, 0, (int) n),
                    java.util.Arrays.copyOfRange(flat, (int) n, (int) (2 * n))};
            WavFile.write(config.out(), new AudioBuffer(channels, TrackAudio.RATE), 24);
            listener.advance(1, "written");
            return new ReconstructResult(config.audio().toString(), config.out().toString(),
                    TinyOrPath.describe(config.model()), Devices.describe(device), length, latent.size(3), snr, mel,
                    (System.nanoTime() - t0) / 1e9);
        } finally {
            listener.finish();
        }
    }

    /** [1, 2, L] float32 at 48 kHz, clamped to [−1, 1]. */
    private static Tensor stereo48k(AudioBuffer a) {
        float[][] s = a.samples();
        float[] left = s[0];
        float[] right = s.length > 1 ? s[1] : s[0];
        float[] flat = new float[left.length * 2];
        System.arraycopy(left, 0, flat, 0, left.length);
        System.arraycopy(right, 0, flat, left.length, right.length);
        Tensor x = Tensors.fromFloatArray(flat, 1, 2, left.length);
        if (a.sampleRate() != MusicDcaeConfig.ACE_STEP.sourceSampleRate()) {
            try (Resample r = new Resample(a.sampleRate(), MusicDcaeConfig.ACE_STEP.sourceSampleRate())) {
                x = r.forward(x);
            }
        }
        return x.clamp(new org.bytedeco.pytorch.ScalarOptional(new Scalar(-1.0)),
                new org.bytedeco.pytorch.ScalarOptional(new Scalar(1.0)));
    }

    static double snrDb(Tensor x, Tensor y) {
        double signal = x.to(ScalarType.Double).pow(new Scalar(2)).sum().item_double();
        double noise = x.to(ScalarType.Double).sub(y.to(ScalarType.Double)).pow(new Scalar(2)).sum().item_double();
        return noise == 0 ? Double.POSITIVE_INFINITY : 10 * Math.log10(signal / noise);
    }

    /** Mean |log-mel(x) − log-mel(y)| over both channels, converted from natural log to dB (·20/ln 10). */
    static double melDistanceDb(MusicDcae codec, Tensor x, Tensor y) {
        Tensor mx = codec.vocoder.encode(x.squeeze(0));                                     // [2, 128, F]
        Tensor my = codec.vocoder.encode(y.squeeze(0));
        return mx.sub(my).abs().mean().item_double() * 20 / Math.log(10);
    }

    /** How a --model value reads in a report. */
    static final class TinyOrPath {
        private TinyOrPath() {}

        static String describe(String model) {
            return dev.lofilora.model.tiny.TinyPreset.isTiny(model) ? "tiny preset" : Path.of(model).toString();
        }
    }
}
