package dev.lofilora.model.transformer;

import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * diffusers {@code Timesteps(num_channels, flip_sin_to_cos=True, downscale_freq_shift=0)} (v0.33.1,
 * {@code get_timestep_embedding}); research/acestep.md §2.3. Parameter-free, always computed in fp32.
 */
public final class Timesteps {
    private Timesteps() {}

    /**
     * t [B] (any float type) → [B, channels] fp32: {@code [cos(t·f) | sin(t·f)]} with
     * {@code f_k = exp(−ln(10000)·k/half)}, k = 0…half−1 (cos first because of flip_sin_to_cos).
     */
    public static Tensor project(Tensor timestep, int channels) {
        int half = channels / 2;
        Tensor k = torch.arange(new Scalar(0), new Scalar(half), Ops.options(ScalarType.Float, timestep.device()));
        // Same op order as diffusers: (−ln(max_period) · k) / (half − shift), then exp, all in fp32.
        Tensor freqs = k.mul(Ops.s(-Math.log(10000.0))).div(Ops.s(half)).exp();            // [half]
        Tensor args = timestep.to(ScalarType.Float).unsqueeze(1).mul(freqs.unsqueeze(0));   // [B, half]
        Tensor emb = torch.cat(new TensorVector(args.cos(), args.sin()), 1);                // [B, 2·half]
        if (channels % 2 == 1) emb = torch.constant_pad_nd(emb, 0, 1);                     // odd: zero column
        return emb;
    }
}
