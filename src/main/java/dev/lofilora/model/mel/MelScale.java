package dev.lofilora.model.mel;

import dev.lofilora.nn.Module;
import dev.lofilora.nn.Parameter;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/** torchaudio's {@code MelScale} (slaney norm and scale): the filterbank buffer {@code fb [n_freqs, n_mels]}. */
public final class MelScale extends Module {
    public final Parameter fb;

    public MelScale(LogMelConfig c) {
        this.fb = buffer("fb", MelFilterbank.slaney(c.nFreqs(), c.fMin(), c.fMax(), c.nMels(), c.sampleRate()), true);
    }

    /** spec [..., n_freqs, F] → [..., n_mels, F]: {@code (specᵀ · fb)ᵀ}. */
    public Tensor forward(Tensor spec) {
        return torch.matmul(spec.transpose(-1, -2), fb.value()).transpose(-1, -2);
    }
}
