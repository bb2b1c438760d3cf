package dev.lofilora.metrics.clap;

import dev.lofilora.common.LofiException;
import dev.lofilora.tensor.TensorSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The architecture of a LAION-CLAP checkpoint read from its tensor shapes (the {@code .pt} files carry no config):
 * HTSAT width, depths, heads (from each stage's relative-position table) and classes; RoBERTa vocabulary, width,
 * layers, FFN width and positions; the joint width. RoBERTa's head count is not in the shapes: width / 64 (12 for
 * roberta-base). Everything else is the released values. A checkpoint of another model is a {@link LofiException}.
 */
final class ClapShapes {
    private ClapShapes() {}

    record Shape(HtsatConfig audio, RobertaConfig text, int joint) {}

    static Shape infer(TensorSource src, Path file) {
        String a = "audio_branch.";
        if (!src.contains(a + "patch_embed.proj.weight") || !src.contains("text_branch.embeddings.word_embeddings.weight")) {
            throw new LofiException(file, "is not a LAION-CLAP HTSAT/RoBERTa checkpoint (no audio_branch.patch_embed "
                    + "or text_branch.embeddings)", "use music_audioset_epoch_15_esc_90.14.pt (HTSAT-base) or another "
                    + "non-fusion LAION-CLAP checkpoint");
        }
        if (src.names().stream().anyMatch(n -> n.startsWith(a + "mel_conv") || n.contains("fusion_model"))) {
            throw new LofiException(file, "is a fusion CLAP checkpoint", "use a non-fusion one: the music checkpoints "
                    + "or 630k-audioset-best.pt (fusion needs a different front end)");
        }
        int embed = (int) src.info(a + "patch_embed.proj.weight").shape()[0];
        List<Integer> depths = new ArrayList<>(), heads = new ArrayList<>();
        for (int i = 0; src.contains(a + "layers." + i + ".blocks.0.norm1.weight"); i++) {
            int d = 0;
            while (src.contains(a + "layers." + i + ".blocks." + d + ".norm1.weight")) d++;
            depths.add(d);
            heads.add((int) src.info(a + "layers." + i + ".blocks.0.attn.relative_position_bias_table").shape()[1]);
        }
        int classes = src.contains(a + "head.weight") ? (int) src.info(a + "head.weight").shape()[0] : 527;
        HtsatConfig d = HtsatConfig.BASE;
        HtsatConfig audio = new HtsatConfig(d.sampleRate(), d.clipSamples(), d.windowSize(), d.hopSize(), d.melBins(),
                d.fmin(), d.fmax(), classes, d.specSize(), d.patchSize(), d.patchStride(), embed, depths, heads,
                d.window(), d.mlpRatio(), d.qkvBias(), embed == 96 ? "tiny" : embed == 128 ? "base" : "custom");
        String t = "text_branch.";
        long[] words = src.info(t + "embeddings.word_embeddings.weight").shape();
        int layers = 0;
        while (src.contains(t + "encoder.layer." + layers + ".attention.self.query.weight")) layers++;
        RobertaConfig r = RobertaConfig.BASE;
        int hidden = (int) words[1];
        RobertaConfig text = new RobertaConfig((int) words[0], hidden, layers, Math.max(1, hidden / 64),
                (int) src.info(t + "encoder.layer.0.intermediate.dense.weight").shape()[0],
                (int) src.info(t + "embeddings.position_embeddings.weight").shape()[0],
                (int) src.info(t + "embeddings.token_type_embeddings.weight").shape()[0], r.layerNormEps(),
                r.padTokenId(), r.bosTokenId(), r.eosTokenId(), r.contextLength());
        int joint = (int) src.info("audio_projection.2.weight").shape()[0];
        return new Shape(audio, text, joint);
    }
}
