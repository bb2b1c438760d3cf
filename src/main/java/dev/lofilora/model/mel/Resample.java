package dev.lofilora.model.mel;

import dev.lofilora.nn.F;
import dev.lofilora.nn.Module;
import dev.lofilora.nn.Parameter;
import org.bytedeco.pytorch.DeviceOptional;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * torchaudio's {@code transforms.Resample(orig, new)} with its defaults (windowed sinc, Hann window, lowpass filter
 * width 6, rolloff 0.99), as ACE-Step's {@code MusicDCAE} uses it (48 k → 44.1 k on encode, 44.1 k → 48 k on
 * decode). The kernel is the non-persistent buffer {@code kernel [new/g, 1, 2·width + orig/g]} (g = gcd), so it moves
 * with the module and takes part in the bf16 rounding of the pipeline's buffers (research/acestep.md §3.4).
 *
 * <p>The kernel is computed with libtorch's own ops in torchaudio's order, so it equals torch's bit for bit; note the
 * one float32 step ({@code arange(0, -new, -1) / new} divides an int64 tensor, giving float32) in an otherwise
 * float64 computation (golden codecs README, fact 1).
 */
public final class Resample extends Module {
    private static final int LOWPASS_FILTER_WIDTH = 6;
    private static final double ROLLOFF = 0.99;

    public final int origFreq;
    public final int newFreq;
    /** Reduced frequencies: orig/gcd and new/gcd (160 and 147 for 48 k → 44.1 k). */
    public final int orig;
    public final int target;
    /** Zero padding of the kernel on each side (7 for 48 k ↔ 44.1 k). */
    public final int width;
    public final Parameter kernel;

    public Resample(int origFreq, int newFreq) {
        if (origFreq <= 0 || newFreq <= 0 || origFreq == newFreq) {
            throw new IllegalArgumentException("resample " + origFreq + " -> " + newFreq);
        }
        this.origFreq = origFreq;
        this.newFreq = newFreq;
        int g = gcd(origFreq, newFreq);
        this.orig = origFreq / g;
        this.target = newFreq / g;
        double base = Math.min(orig, target) * ROLLOFF;
        this.width = (int) Math.ceil(LOWPASS_FILTER_WIDTH * orig / base);
        this.kernel = buffer("kernel", sincKernel(orig, target, base, width), false);
    }

    /** Output length for {@code length} input samples: ⌈new·L/orig⌉ (computed in float64, as Python does). */
    public long outputLength(long length) {
        return (long) Math.ceil((double) (target * length) / orig);
    }

    /** wav [..., L] → [..., ⌈new·L/orig⌉], in wav's dtype (the kernel is cast to it). */
    public Tensor forward(Tensor wav) {
        long[] shape = wav.sizes().vec().get();
        long length = shape[shape.length - 1];
        Tensor flat = wav.reshape(-1, length);                                             // [N, L]
        Tensor padded = torch.constant_pad_nd(flat, new long[] {width, width + orig}, new Scalar(0.0));
        Tensor k = kernel.value().scalar_type().value == wav.scalar_type().value ? kernel.value()
                : kernel.value().to(wav.scalar_type());
        Tensor y = F.conv1d(padded.unsqueeze(1), k, null, orig, 0, 1);                   // [N, new, frames]
        Tensor out = y.transpose(1, 2).reshape(flat.size(0), -1)                          // [N, frames·new]
                .narrow(1, 0, outputLength(length));
        shape[shape.length - 1] = outputLength(length);
        return out.reshape(shape);
    }

    /** torchaudio {@code _get_sinc_resample_kernel(orig, new, gcd, 6, 0.99, "sinc_interp_hann", dtype=None)}. */
    static Tensor sincKernel(int orig, int target, double base, int width) {
        TensorOptions f64 = new TensorOptions().dtype(new ScalarTypeOptional(ScalarType.Double))
                .device(new DeviceOptional(new org.bytedeco.pytorch.Device(torch.DeviceType.CPU)));
        TensorOptions i64 = new TensorOptions().dtype(new ScalarTypeOptional(ScalarType.Long));
        Tensor idx = torch.arange(new Scalar(-width), new Scalar(width + orig), f64)
                .div(new Scalar(orig)).view(1, 1, -1);                                   // [1, 1, K] f64
        // int64 / int is a float32 true division in torch: the one float32 step of the original kernel
        Tensor j = torch.arange(new Scalar(0), new Scalar(-target), new Scalar(-1), i64)
                .div(new Scalar(target)).view(-1, 1, 1);                                 // [new, 1, 1] f32
        Tensor t = j.to(ScalarType.Double).add(idx).mul(new Scalar(base))               // [new, 1, K] f64
                .clamp(new org.bytedeco.pytorch.ScalarOptional(new Scalar((double) -LOWPASS_FILTER_WIDTH)),
                        new org.bytedeco.pytorch.ScalarOptional(new Scalar((double) LOWPASS_FILTER_WIDTH)));
        Tensor window = t.mul(new Scalar(Math.PI)).div(new Scalar((double) LOWPASS_FILTER_WIDTH))
                .div(new Scalar(2.0)).cos().pow(new Scalar(2));
        Tensor tp = t.mul(new Scalar(Math.PI));
        double scale = base / orig;
        Tensor sinc = torch.where(tp.eq(new Scalar(0.0)), torch.ones_like(tp), tp.sin().div(tp));
        Tensor kernels = sinc.mul(window.mul(new Scalar(scale)));
        return kernels.to(ScalarType.Float);
    }

    private static int gcd(int a, int b) {
        return b == 0 ? a : gcd(b, a % b);
    }
}
