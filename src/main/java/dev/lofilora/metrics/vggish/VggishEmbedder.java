package dev.lofilora.metrics.vggish;

import dev.lofilora.audio.AudioBuffer;
import dev.lofilora.audio.io.Resampler;
import dev.lofilora.common.ConfigFiles;
import dev.lofilora.metrics.TinyMetrics;
import dev.lofilora.metrics.WeightLoading;
import dev.lofilora.metrics.WeightsFingerprint;
import dev.lofilora.nn.Capture;
import dev.lofilora.tensor.TensorSource;
import dev.lofilora.tensor.Tensors;
import dev.lofilora.tensor.pickle.Checkpoints;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

import java.nio.file.Path;
import java.util.List;

/**
 * Audio → VGGish embeddings, one per 0.96 s, as {@code frechet_audio_distance} computes them: channels averaged,
 * resampled to 16 kHz with one fixed resampler ({@link #RESAMPLER}: libswresample's own engine with the project's
 * 128-tap Kaiser settings, the same on every build — never soxr-or-not by availability), the torchvggish front end,
 * the network without PCA and final ReLU. The resampler is part of the metric (research §5: VGGish embeddings move
 * with the resampler) and {@link #describe()} states it. Not thread-safe.
 */
public final class VggishEmbedder implements AutoCloseable {
    /** The one resampler of the metric (48 → 16 kHz is an exact 3:1). */
    public static final Resampler RESAMPLER = Resampler.swr(Resampler.Settings.HIGH_QUALITY);
    private static final int BATCH = 64;

    private final Vggish model;
    private final VggishFrontEnd frontEnd;
    private final Device device;
    private final String weights;
    private final String fingerprint;

    private VggishEmbedder(Vggish model, Device device, String weights, String fingerprint) {
        this.model = model;
        this.frontEnd = new VggishFrontEnd(model.config());
        this.device = device;
        this.weights = weights;
        this.fingerprint = fingerprint;
    }

    /**
     * {@code weights}: "tiny" for the preset, else a torchvggish {@code .pth} (read by the restricted unpickler) or
     * a safetensors file with the same keys; the released architecture. Wrong weights are a LofiException.
     */
    public static VggishEmbedder open(String weights, ConfigFiles configs, Device device) {
        if (WeightsFingerprint.isTiny(weights)) {
            Vggish m = TinyMetrics.vggish(configs, device);
            return new VggishEmbedder(m, device, "tiny preset (seeded random weights)",
                    "tiny:" + TinyMetrics.fingerprint(configs, TinyMetrics.VGGISH));
        }
        Path file = Path.of(weights);
        Vggish model = new Vggish(VggishConfig.RELEASED);
        try (TensorSource src = Checkpoints.open(file)) {
            // torchvggish's PCA parameters may sit in the same file; the metric does not use them.
            WeightLoading.load(model, src, file, "", List.of("pproc."), "VGGish network", device);
        }
        return new VggishEmbedder(model, device, file.toString(), WeightsFingerprint.of(file));
    }

    /** An embedder over a model built elsewhere (benchmarks, tests); {@code weights} describes its weights. */
    public static VggishEmbedder of(Vggish model, Device device, String weights) {
        return new VggishEmbedder(model, device, weights, WeightsFingerprint.ofText(weights));
    }

    /** Embeddings [examples][E] of {@code audio} (any rate and channel count); none when shorter than 0.96 s. */
    public float[][] embed(AudioBuffer audio) {
        float[] mono = VggishFrontEnd.mono(audio.samples());
        AudioBuffer m = new AudioBuffer(new float[][] {mono}, audio.sampleRate());
        float[] at16k = RESAMPLER.resample(m, model.config().sampleRate()).samples()[0];
        int e = model.config().embeddingSize();
        try (PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
            Tensor examples = frontEnd.features(at16k).examples();                  // [N, 1, 96, 64]
            int n = (int) examples.size(0);
            float[][] out = new float[n][];
            for (int start = 0; start < n; start += BATCH) {
                int len = Math.min(BATCH, n - start);
                Tensor batch = examples.narrow(0, start, len).to(device, ScalarType.Float);
                float[] flat = Tensors.toFloatArray(model.forward(batch, Capture.NONE));
                for (int i = 0; i < len; i++) {
                    out[start + i] = java.util.Arrays.copyOfRange(flat, i * e, (i + 1) * e);
                }
            }
            return out;
        }
    }

    public int dim() { return model.config().embeddingSize(); }

    /** Model, front end, resampler and weights, for reports. */
    public String describe() {
        return model.config().describe() + "; resampled to " + model.config().sampleRate() + " Hz by "
                + RESAMPLER.engine() + "; weights " + weights;
    }

    /** What the embeddings depend on, for cache keys. */
    public String fingerprint() {
        return WeightsFingerprint.ofText("vggish|" + describe() + "|" + fingerprint);
    }

    @Override
    public void close() { model.close(); }
}
