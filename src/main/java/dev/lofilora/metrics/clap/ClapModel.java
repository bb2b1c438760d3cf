package dev.lofilora.metrics.clap;

import dev.lofilora.nn.Capture;
import dev.lofilora.nn.Module;
import org.bytedeco.pytorch.Tensor;

import java.util.List;

/**
 * LAION-CLAP's {@code CLAP} wrapper (clap_module/model.py) as far as embeddings need it: {@code audio_branch} (HTSAT),
 * {@code text_branch} (RoBERTa), and the two projections, each followed by {@code F.normalize}. The checkpoint's
 * {@code audio_transform}/{@code text_transform} MLPs and {@code logit_scale_a/t} serve training only; they are
 * listed in {@link #UNUSED_KEYS} and not loaded. Either branch may be absent (a conformance folder holds one).
 */
public final class ClapModel extends Module {
    /** Checkpoint keys (prefixes) that no embedding uses. */
    public static final List<String> UNUSED_KEYS = List.of("audio_transform.", "text_transform.", "logit_scale_a",
            "logit_scale_t", "text_branch.embeddings.position_ids", "audio_branch.spectrogram_extractor.stft.window");

    public final Htsat audio_branch;
    public final Roberta text_branch;
    final Projection audio_projection;
    final Projection text_projection;
    private final int joint;

    /** {@code htsat} or {@code roberta} may be null: that branch and its projection are left out. */
    public ClapModel(HtsatConfig htsat, RobertaConfig roberta, int jointEmbedShape) {
        this.joint = jointEmbedShape;
        audio_branch = htsat == null ? null : module("audio_branch", new Htsat(htsat));
        text_branch = roberta == null ? null : module("text_branch", new Roberta(roberta));
        audio_projection = htsat == null ? null
                : module("audio_projection", new Projection(htsat.numFeatures(), jointEmbedShape));
        text_projection = roberta == null ? null
                : module("text_projection", new Projection(roberta.hiddenSize(), jointEmbedShape));
    }

    /** Only the projection heads (the golden's {@code clap_head}: HTSAT embedding → audio embedding). */
    public static ClapModel audioHeadOnly(int audioWidth, int joint) {
        return new ClapModel(audioWidth, joint);
    }

    private ClapModel(int audioWidth, int joint) {
        this.joint = joint;
        audio_branch = null;
        text_branch = null;
        audio_projection = module("audio_projection", new Projection(audioWidth, joint));
        text_projection = null;
    }

    /** The joint embedding width (512 released). */
    public int jointEmbedShape() { return joint; }

    /** waveform [B, 480000] → unit audio embeddings [B, J]. */
    public Tensor audioEmbedding(Tensor waveform, Capture capture) {
        return projectAudio(audio_branch.forward(waveform, capture));
    }

    /** HTSAT embedding [B, W] → unit audio embeddings [B, J] (the tail of {@code get_audio_embedding}). */
    public Tensor projectAudio(Tensor htsatEmbedding) {
        return Projection.normalize(audio_projection.forward(htsatEmbedding));
    }

    /** Token ids and mask [B, L] → unit text embeddings [B, J] ({@code get_text_embedding}). */
    public Tensor textEmbedding(Tensor inputIds, Tensor attentionMask, Capture capture) {
        Tensor pooled = text_branch.forward(inputIds, attentionMask, capture);
        Tensor out = Projection.normalize(text_projection.forward(pooled));
        if (capture.active()) capture.put("text_embed", out);
        return out;
    }
}
