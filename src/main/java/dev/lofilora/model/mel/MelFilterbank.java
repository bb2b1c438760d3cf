package dev.lofilora.model.mel;

import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * torchaudio's {@code functional.melscale_fbanks(n_freqs, f_min, f_max, n_mels, sample_rate, norm="slaney",
 * mel_scale="slaney")}, computed in float32 with libtorch's own ops in torchaudio's order, so it reproduces the
 * filterbank buffer ({@code mel_transform.mel_scale.fb}) the vocoder checkpoint holds.
 */
public final class MelFilterbank {
    private static final double F_SP = 200.0 / 3;
    private static final double MIN_LOG_HZ = 1000.0;
    private static final double MIN_LOG_MEL = MIN_LOG_HZ / F_SP;
    private static final double LOGSTEP = Math.log(6.4) / 27.0;

    private MelFilterbank() {}

    /** The filterbank [n_freqs, n_mels] (float32, CPU). */
    public static Tensor slaney(int nFreqs, double fMin, double fMax, int nMels, int sampleRate) {
        TensorOptions f32 = new TensorOptions().dtype(new ScalarTypeOptional(ScalarType.Float));
        Tensor allFreqs = torch.linspace(new Scalar(0.0), new Scalar((double) (sampleRate / 2)), nFreqs, f32); // [F]
        Tensor mPts = torch.linspace(new Scalar(hzToMel(fMin)), new Scalar(hzToMel(fMax)), nMels + 2, f32);   // [M+2]
        Tensor fPts = melToHz(mPts);                                                                           // [M+2]
        Tensor fDiff = fPts.narrow(0, 1, nMels + 1).sub(fPts.narrow(0, 0, nMels + 1));                       // [M+1]
        Tensor slopes = fPts.unsqueeze(0).sub(allFreqs.unsqueeze(1));                                         // [F, M+2]
        Tensor down = slopes.narrow(1, 0, nMels).mul(new Scalar(-1.0)).div(fDiff.narrow(0, 0, nMels));
        Tensor up = slopes.narrow(1, 2, nMels).div(fDiff.narrow(0, 1, nMels));
        Tensor fb = torch.maximum(torch.zeros(1),
                torch.minimum(down, up));                                                                     // [F, M]
        // Python's `2.0 / t` is t.reciprocal() * 2.0
        Tensor enorm = fPts.narrow(0, 2, nMels).sub(fPts.narrow(0, 0, nMels)).reciprocal().mul(new Scalar(2.0));
        return fb.mul(enorm.unsqueeze(0));
    }

    /** torchaudio {@code _hz_to_mel(freq, "slaney")} (Python floats). */
    static double hzToMel(double freq) {
        double mels = freq / F_SP;
        if (freq >= MIN_LOG_HZ) mels = MIN_LOG_MEL + Math.log(freq / MIN_LOG_HZ) / LOGSTEP;
        return mels;
    }

    /** torchaudio {@code _mel_to_hz(mels, "slaney")} on a float32 tensor. */
    static Tensor melToHz(Tensor mels) {
        Tensor linear = mels.mul(new Scalar(F_SP)).add(new Scalar(0.0));
        Tensor log = mels.sub(new Scalar(MIN_LOG_MEL)).mul(new Scalar(LOGSTEP)).exp().mul(new Scalar(MIN_LOG_HZ));
        return torch.where(mels.ge(new Scalar(MIN_LOG_MEL)), log, linear);
    }
}
