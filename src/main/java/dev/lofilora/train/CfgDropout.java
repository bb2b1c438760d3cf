package dev.lofilora.train;

import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.GeneratorOptional;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;

/**
 * Classifier-free-guidance condition dropout of ACE-Step's trainer ({@code Pipeline.preprocess}, research §3.6):
 * three independent per-item draws, in this order — text (p 0.15): zero the text states, keep their mask; speaker
 * (p 0.5): zero the speaker vector; lyrics (p 0.15): zero the lyric ids and the lyric mask. The latent is untouched.
 */
public record CfgDropout(double text, double speaker, double lyrics) {
    public static final CfgDropout ACESTEP = new CfgDropout(0.15, 0.5, 0.15);
    public static final CfgDropout OFF = new CfgDropout(0, 0, 0);

    /** A batch with the dropped conditions zeroed (new tensors; {@code batch} is left as it is). */
    public TrainBatch apply(TrainBatch batch, Generator gen) { return apply(batch, gen, 0, (int) batch.size()); }

    /**
     * {@link #apply(TrainBatch, Generator)} for items {@code [offset, offset + batch.size())} of a
     * {@code globalSize}-item batch (one process of a data-parallel run): the draws are made for the whole batch and
     * this part taken, so every item is dropped exactly as in a one-process run.
     */
    public TrainBatch apply(TrainBatch batch, Generator gen, int offset, int globalSize) {
        long b = batch.size();
        Tensor keepText = keep(globalSize, text, gen).narrow(0, offset, b);
        Tensor keepSpeaker = keep(globalSize, speaker, gen).narrow(0, offset, b);
        Tensor keepLyrics = keep(globalSize, lyrics, gen).narrow(0, offset, b);
        return new TrainBatch(batch.keys(), batch.latents(), batch.attentionMask(),
                batch.textStates().mul(keepText.view(b, 1, 1)), batch.textMask(),
                batch.speaker().mul(keepSpeaker.view(b, 1)),
                batch.lyricIds().mul(keepLyrics.view(b, 1).to(batch.lyricIds().scalar_type())),
                batch.lyricMask().mul(keepLyrics.view(b, 1).to(batch.lyricMask().scalar_type())), batch.ssl());
    }

    /** 1 where the condition is kept: {@code rand(B) >= p} (the original drops where {@code rand < p}). */
    private static Tensor keep(long b, double p, Generator gen) {
        Tensor u = torch.rand(new long[] {b}, new GeneratorOptional(gen), new TensorOptions());
        return u.ge(new Scalar(p)).to(torch.ScalarType.Float);
    }
}
