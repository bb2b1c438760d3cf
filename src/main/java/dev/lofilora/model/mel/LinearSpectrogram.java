package dev.lofilora.model.mel;

import dev.lofilora.nn.Module;
import dev.lofilora.nn.Parameter;
import org.bytedeco.pytorch.BoolOptional;
import org.bytedeco.pytorch.DoubleOptional;
import org.bytedeco.pytorch.LongOptional;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * ACE-Step's {@code LinearSpectrogram} (mode "pow2_sqrt", centre off): reflect-pad by (win − hop)/2 on the left and
 * (win − hop + 1)/2 on the right, STFT with the periodic Hann window buffer {@code window}, one-sided, then
 * {@code √(re² + im² + 1e-6)} in float32 (the input is cast with {@code y.float()}; golden codecs README, fact 2).
 */
public final class LinearSpectrogram extends Module {
    private final LogMelConfig config;
    public final Parameter window;

    public LinearSpectrogram(LogMelConfig config) {
        this.config = config;
        this.window = buffer("window", torch.hann_window(config.winLength(),
                new TensorOptions().dtype(new ScalarTypeOptional(ScalarType.Float))), true);
    }

    /** y [B, L] (or [B, 1, L]) → magnitude [B, n_fft/2 + 1, F], float32. */
    public Tensor forward(Tensor y) {
        if (y.dim() == 3) y = y.squeeze(1);
        int left = (config.winLength() - config.hopLength()) / 2;
        int right = (config.winLength() - config.hopLength() + 1) / 2;
        Tensor padded = torch.pad(y.unsqueeze(1), new long[] {left, right}, "reflect", new DoubleOptional())
                .squeeze(1);                                                                      // [B, L + win − hop]
        Tensor w = window.value().scalar_type().value == ScalarType.Float.value ? window.value()
                : window.value().to(ScalarType.Float);
        // at::stft without the `center` argument is the centre=False form
        Tensor spec = torch.stft(padded.to(ScalarType.Float), config.nFft(), new LongOptional(config.hopLength()),
                new LongOptional(config.winLength()), new TensorOptional(w), false, new BoolOptional(true),
                new BoolOptional(true), new BoolOptional());                                      // [B, Fq, F] complex
        // stft's result is a transposed view of frame-major memory: reduce in that layout (the same two-term sums,
        // bit for bit, without a strided reduction), then hand back the transposed view
        Tensor ri = torch.view_as_real(spec.transpose(1, 2));                                     // [B, F, Fq, 2]
        return ri.pow(new Scalar(2)).sum(new long[] {-1}, false, new ScalarTypeOptional())
                .add(new Scalar(1e-6)).sqrt().transpose(1, 2);                                    // [B, Fq, F]
    }
}
