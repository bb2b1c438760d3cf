package dev.lofilora.metrics.vggish;

import dev.lofilora.tensor.Tensors;
import dev.lofilora.nn.Scopes;
import org.bytedeco.pytorch.LongOptional;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.StringViewOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * torchvggish's {@code waveform_to_examples} at its own rate (the caller resamples): stereo → mean of the channels;
 * 400-sample periodic-Hann frames every 160 samples (only whole frames); {@code |rfft|} with n = 512 — the
 * <em>magnitude</em>, not the power; a 64-band HTK mel matrix (125–7500 Hz, the DC row zeroed, {@code mel_features.py
 * spectrogram_to_mel_matrix}); {@code log(mel + 0.01)}; non-overlapping 96-frame examples, the tail dropped. Computed
 * in float64 like the numpy original, returned as float32.
 */
public final class VggishFrontEnd {
    private final VggishConfig config;
    private final double[] melMatrix; // [bins × mels], row-major

    public VggishFrontEnd(VggishConfig config) {
        this.config = config;
        this.melMatrix = melMatrix(config);
    }

    /** The front end's intermediate results (float32 tensors owned by the caller). */
    public record Features(Tensor stftMagnitude, Tensor logMel, Tensor examples) {}

    /** Examples [N, 1, 96, 64] of a mono or multi-channel waveform ({@code channels[c][t]}) at the config's rate. */
    public Tensor examples(float[][] channels) {
        Features f = features(mono(channels));
        f.stftMagnitude().close();
        f.logMel().close();
        return f.examples();
    }

    /** All three stages for a mono waveform. */
    public Features features(float[] mono) {
        int win = config.windowSamples(), hop = config.hopSamples(), nfft = config.fftLength();
        int bins = nfft / 2 + 1, mels = config.melBins();
        int frames = mono.length < win ? 0 : 1 + (mono.length - win) / hop;
        int exFrames = config.exampleFrames(), exHop = config.exampleHopFrames();
        int examples = frames < exFrames ? 0 : 1 + (frames - exFrames) / exHop;
        Tensor[] out = Scopes.keepAll(() -> {
            Tensor mag, logMel, ex;
            if (frames == 0) {
                mag = empty(0, bins);
                logMel = empty(0, mels);
            } else {
                Tensor x = Tensors.fromFloatArray(mono, mono.length).to(ScalarType.Double);
                Tensor framed = x.unfold(0, win, hop);                                    // [T, 400]
                Tensor windowed = framed.mul(periodicHann(win).unsqueeze(0));
                mag = torch.fft_rfft(windowed, new LongOptional(nfft), -1, new StringViewOptional()).abs(); // [T, 257]
                Tensor mel = mag.matmul(Tensors.fromDoubleArray(melMatrix, bins, mels));  // [T, 64]
                logMel = mel.add(new Scalar(config.logOffset())).log();
            }
            ex = examples == 0 ? empty(0, 1, exFrames, mels)
                    : logMel.unfold(0, exFrames, exHop)                                    // [N, 64, 96]
                            .transpose(1, 2).unsqueeze(1);                                 // [N, 1, 96, 64]
            return new Tensor[] {asFloat(mag), asFloat(logMel), asFloat(ex)};
        });
        return new Features(out[0], out[1], out[2]);
    }

    private static Tensor empty(long... shape) {
        return Tensors.fromFloatArray(new float[0], shape);
    }

    private static Tensor asFloat(Tensor t) {
        return t.to(ScalarType.Float).contiguous();
    }

    /** Mean over channels (torchvggish: {@code np.mean(data, axis=1)}). */
    public static float[] mono(float[][] channels) {
        if (channels.length == 1) return channels[0];
        int n = channels[0].length;
        float[] out = new float[n];
        for (int t = 0; t < n; t++) {
            double s = 0;
            for (float[] c : channels) s += c[t];
            out[t] = (float) (s / channels.length);
        }
        return out;
    }

    /** The mel matrix as a float32 tensor [bins, mels] (a golden output). */
    public Tensor melMatrixTensor() {
        int bins = config.fftLength() / 2 + 1;
        return Scopes.keep(() -> Tensors.fromDoubleArray(melMatrix, bins, config.melBins()).to(ScalarType.Float));
    }

    private static Tensor periodicHann(int n) {
        double[] w = new double[n];
        for (int i = 0; i < n; i++) w[i] = 0.5 - 0.5 * Math.cos(2 * Math.PI * i / n);
        return Tensors.fromDoubleArray(w, n);
    }

    /** HTK mel: 1127·ln(1 + f/700). */
    static double hertzToMel(double hz) {
        return 1127.0 * Math.log(1.0 + hz / 700.0);
    }

    /** {@code mel_features.spectrogram_to_mel_matrix}: triangles between evenly spaced mel edges; DC row zero. */
    static double[] melMatrix(VggishConfig c) {
        int bins = c.fftLength() / 2 + 1, mels = c.melBins();
        double nyquist = c.sampleRate() / 2.0;
        double[] binMel = new double[bins];
        for (int k = 0; k < bins; k++) binMel[k] = hertzToMel(nyquist * k / (bins - 1)); // np.linspace(0, nyquist, bins)
        double lo = hertzToMel(c.melMinHz()), hi = hertzToMel(c.melMaxHz());
        double[] edges = new double[mels + 2];
        for (int i = 0; i < edges.length; i++) edges[i] = lo + (hi - lo) * i / (mels + 1); // np.linspace(lo, hi, mels+2)
        double[] w = new double[bins * mels];
        for (int m = 0; m < mels; m++) {
            double left = edges[m], centre = edges[m + 1], right = edges[m + 2];
            for (int k = 1; k < bins; k++) { // k = 0 stays 0 (mel_features.py: "HTK excludes the spectrogram DC bin")
                double lower = (binMel[k] - left) / (centre - left);
                double upper = (right - binMel[k]) / (right - centre);
                w[k * mels + m] = Math.max(0.0, Math.min(lower, upper));
            }
        }
        return w;
    }
}
